// A start that cannot go on, said in one line: what failed, why, what to do.
export class StartError extends Error {
  override readonly name = 'StartError';
}
