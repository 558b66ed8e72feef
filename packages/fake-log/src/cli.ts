#!/usr/bin/env node
import { main } from "./cli/main";

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Unexpected (a bug): full stack, exit 1.
    console.error(err);
    process.exitCode = 1;
  },
);
