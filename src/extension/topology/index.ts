// The topology panel's public face for the rest of the extension: open a panel for a source, find an open
// one, and the ready-made sources (file, host, drift).

export { showTopologyPanel, findTopologyPanel, TopologyPanel, type TopologySource, type TopologyPanelOptions } from './topology-panel';
export { fileTopologySource, hostTopologySource, driftTopologySource, type ReadHost } from './topology-sources';
export { parseSourceKey, type SourceRef } from './source-key';
