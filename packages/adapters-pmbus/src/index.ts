/** Package entry: explicit export list. */
export {}
