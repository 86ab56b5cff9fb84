// One variant's path as a chain of steps; reordered steps and gaps (missing steps) marked.

import type { Variant } from '@/lib/contracts/variants';
import { stepLabel } from '@/app/_components/journey-format';
import styles from './variants.module.css';

export function VariantPath({ variant }: { variant: Variant }) {
  const reordered = new Set(variant.reordered);
  return (
    <span className={styles.path}>
      {variant.path.map((t, i) => (
        <span key={t} className={styles.chainItem}>
          {i > 0 && <span className={styles.arrow}>›</span>}
          <span className={`${styles.chip} ${reordered.has(t) ? styles.reordered : ''} ${variant.extra.includes(t) ? styles.extra : ''}`} title={t}>
            {stepLabel(t)}
          </span>
        </span>
      ))}
      {variant.missing.length > 0 && (
        <span className={styles.missing} title={variant.missing.join(', ')}>
          skips {variant.missing.map(stepLabel).join(', ').toLowerCase()}
        </span>
      )}
    </span>
  );
}
