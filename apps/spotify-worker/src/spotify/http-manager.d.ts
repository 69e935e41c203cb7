// Types for the one internal of spotify-web-api-node 5.0.2 we touch (it ships
// none): every request of the library goes through `_makeRequest` with the full
// URI it built from its hard-coded hosts (spotify-hosts.ts rewrites that URI).
declare module 'spotify-web-api-node/src/http-manager.js' {
  type RequestCallback = (error: unknown, result?: unknown) => void;
  /** The part of superagent's request we use: its timeout (the library calls `method.bind(superagent)(uri)`). */
  interface SuperagentRequest {
    timeout(limits: number | { response?: number; deadline?: number }): SuperagentRequest;
  }
  type RequestMethod = (this: unknown, uri: string) => SuperagentRequest;
  interface HttpManager {
    _makeRequest(method: RequestMethod, options: unknown, uri: string, callback: RequestCallback): void;
  }
  const httpManager: HttpManager;
  export default httpManager;
}
