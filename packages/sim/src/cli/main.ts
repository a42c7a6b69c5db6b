#!/usr/bin/env node
/** The busbar CLI entry. */
export {}
