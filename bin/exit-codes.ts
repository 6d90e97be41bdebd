/** Exit codes of every command: 0 success, 1 the run found a problem, 2 bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_BAD_INPUT = 2;
