// The topology panel's webview type: panels are created with it, and restored by it after a window reload.
// Its own file, so that activation can register the restorer without loading the panel code.

export const TOPOLOGY_VIEW_TYPE = 'vnet.topology';
