#!/usr/bin/env node
// litert-runner: runs .tflite files in LiteRT.js (LiteRT compiled to WebAssembly) under Node.
// The contract (commands, JSON lines on stdout, exit statuses) is in README.md; Graft's Java
// side depends on it, so change it only together with that side.

import { parseArgs } from 'node:util';
import { RunnerError, UsageError } from './lib/errors.mjs';
import { Session } from './lib/session.mjs';
import { info } from './lib/commands/info.mjs';
import { readJobs, runJob, runJobs } from './lib/commands/run.mjs';
import { bench } from './lib/commands/bench.mjs';
import { compare } from './lib/commands/compare.mjs';

const USAGE = `usage:
  node cli.mjs info MODEL.tflite
  node cli.mjs run MODEL.tflite --input a.npy [--input b.npy …] --out DIR
  node cli.mjs run --batch-file JOBS.json
  node cli.mjs bench MODEL.tflite [--input a.npy …] [--warmup N] [--runs N] [--seed S]
  node cli.mjs compare A.tflite B.tflite … [--rounds R] [--runs N] [--warmup N] [--seed S]
common options: --relaxed-simd  --probe-mib N  --verbose`;

const COMMON = {
  'relaxed-simd': { type: 'boolean' },
  'probe-mib': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};
const COMMANDS = {
  info: {},
  run: { input: { type: 'string', multiple: true }, out: { type: 'string' }, 'batch-file': { type: 'string' } },
  bench: {
    input: { type: 'string', multiple: true },
    warmup: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
  },
  compare: {
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
  },
};

function parse(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') return { command: 'help' };
  if (!(command in COMMANDS)) {
    throw new UsageError(`unknown command '${command}', expected one of ${Object.keys(COMMANDS).join(', ')}`);
  }
  const options = { ...COMMON, ...COMMANDS[command] };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    const valid = Object.keys(options).map((o) => `--${o}`).join(', ');
    throw new UsageError(`${command}: ${e.message.split('\n')[0].replace(/\. To specify.*$/, '')} (options: ${valid})`);
  }
  return { command, values: parsed.values, positionals: parsed.positionals };
}

function count(values, name, dflt, min) {
  if (values[name] === undefined) return dflt;
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${values[name]}'`);
  return n;
}

function oneModel(command, positionals) {
  if (positionals.length !== 1) {
    throw new UsageError(`${command} takes one MODEL.tflite, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  }
  return positionals[0];
}

function print(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

async function main(argv) {
  const { command, values = {}, positionals = [] } = parse(argv);
  if (command === 'help' || values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const probeMib = count(values, 'probe-mib', undefined, 1);
  const session = new Session({
    verbose: values.verbose,
    relaxedSimd: values['relaxed-simd'],
    probeBytes: probeMib === undefined ? undefined : probeMib * 1024 * 1024,
  });
  if (command === 'info') {
    print(await info(session, oneModel(command, positionals)));
  } else if (command === 'run' && values['batch-file'] !== undefined) {
    if (positionals.length || values.input || values.out) {
      throw new UsageError('run --batch-file takes no MODEL, --input or --out: the jobs file names them');
    }
    let status = 0;
    for await (const result of runJobs(session, readJobs(values['batch-file']))) {
      print(result);
      if (result.error !== undefined) {
        process.stderr.write(`litert-runner: job ${result.job}: ${result.error}\n`);
        status ||= result.status;
      }
    }
    return status;
  } else if (command === 'run') {
    const model = oneModel(command, positionals);
    if (values.out === undefined) throw new UsageError('run needs --out DIR');
    const { outputs } = await runJob(session, { model, inputs: values.input ?? [], out: values.out });
    print({ outputs });
  } else if (command === 'bench') {
    const model = oneModel(command, positionals);
    print(
      await bench(session, model, {
        inputs: values.input ?? [],
        warmup: count(values, 'warmup', 10, 0),
        runs: count(values, 'runs', 50, 1),
        seed: count(values, 'seed', 0, 0),
      }),
    );
  } else if (command === 'compare') {
    if (positionals.length === 0) throw new UsageError('compare takes one or more MODEL.tflite files');
    print(
      await compare(session, positionals, {
        rounds: count(values, 'rounds', 5, 1),
        runs: count(values, 'runs', 10, 1),
        warmup: count(values, 'warmup', 5, 0),
        seed: count(values, 'seed', 0, 0),
      }),
    );
  }
  return 0;
}

let verbose = process.argv.includes('--verbose');
main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e) => {
    if (e instanceof RunnerError) {
      process.stderr.write(`litert-runner: ${e.message}\n`);
      process.exitCode = e.status;
    } else {
      process.stderr.write(`litert-runner: internal error: ${String(e?.message ?? e).split('\n')[0]}\n`);
      if (verbose) process.stderr.write(`${e?.stack ?? e}\n`);
      process.exitCode = 1;
    }
  },
);
