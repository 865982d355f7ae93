#!/usr/bin/env node
// The `ordo` command: runs the TypeScript sources through tsx so a fresh checkout needs no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
