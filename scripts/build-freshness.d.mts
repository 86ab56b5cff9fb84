export declare const BUILD_SOURCES: string[];
export declare function buildIsCurrent(root: string, distDir: string): boolean;
