// Types for the parts of graphhopper-js-api-client this library uses. The
// package ships no declarations; its `main` is a browser bundle, so the
// CommonJS sources are imported directly.
declare module 'graphhopper-js-api-client/src/GraphHopperMatrix.js' {
  class GraphHopperMatrix {
    constructor(args: { key?: string; host?: string; endpoint?: string; timeout?: number }, requestDefaults?: Record<string, unknown>);
    doRequest(reqArgs: Record<string, unknown>): Promise<unknown>;
  }
  export = GraphHopperMatrix;
}

declare module 'graphhopper-js-api-client/src/GraphHopperRouting.js' {
  class GraphHopperRouting {
    constructor(args: { key?: string; host?: string; endpoint?: string; timeout?: number }, requestDefaults?: Record<string, unknown>);
    doRequest(reqArgs: Record<string, unknown>): Promise<unknown>;
  }
  export = GraphHopperRouting;
}
