/** Subpath entry: explicit export list. */
export {}
