// The runner's two kinds of failure, each with the process exit status the CLI uses for it.

/** Base class: a one-line message for the user and the exit status that goes with it. */
export class RunnerError extends Error {
  constructor(message, status) {
    super(message);
    this.name = new.target.name;
    this.status = status;
  }
}

/** Bad input or usage (missing file, not a TFLite file, wrong shape or dtype): exit status 2. */
export class UsageError extends RunnerError {
  constructor(message) {
    super(message, 2);
  }
}

/** LiteRT could not load or run a model that looked valid: exit status 1. */
export class RuntimeFailure extends RunnerError {
  constructor(message) {
    super(message, 1);
  }
}
