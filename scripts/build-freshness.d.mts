export declare function buildIsCurrent(root: string, distDir: string): boolean;
