// The few parts of autocannon the API bench uses (the package ships no types).
declare module 'autocannon' {
  interface Result { requests: { average: number }; non2xx: number; errors: number }
  interface Instance extends PromiseLike<Result> {
    on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  }
  export default function autocannon(options: { url: string; headers?: Record<string, string>; connections?: number; duration?: number }): Instance;
}
