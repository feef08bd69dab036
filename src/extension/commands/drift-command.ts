// "Show Drift": a .vnet file drawn against the live host it describes, so that what someone changed by hand
// (or an apply that never ran) shows in the picture. From a file, a host the file names no ssh target for is
// picked like Plan picks it; from a host in the tree ("Compare with .vnet File…"), the file is picked. A
// multi-host file asks which of its hosts. Free of vscode.

import { VnetError } from '../../model/errors';
import { iconSafe } from '../text-safety';
import type { Lab, LabHost } from '../../model/topology';
import { cancelled, resolveSession, type Target } from './resolve';
import { chooseDestination, compileLabFile, type LabContext, type LabFile } from './lab-commands';

export interface DriftContext extends LabContext {
  /**
   * Opens the drift view of the file (its URI as `fileKey`) against the live host `destination`: of its host
   * `labHost`, or of its only host when that is undefined.
   */
  showDrift(fileKey: string, labHost: string | undefined, destination: string): Promise<void>;
  /** The .vnet files of the workspace, for a host to be compared with; each read only when picked. */
  findLabFiles(): Promise<{ label: string; read(): Promise<LabFile> }[]>;
}

export async function showDrift(ctx: DriftContext, arg: unknown): Promise<void> {
  const file = await ctx.readLabFile(arg);
  const lab = compileLabFile(file);
  const labHost = await chooseLabHost(ctx, lab);
  const destination = await chooseDestination(ctx, file, lab, labHost);
  if (!ctx.hosts.get(destination)) {
    throw new VnetError('VN-HOST-NONE', `${destination} is not in the Hosts view, and the drift view follows a host there. Add it with "VNet: Add Host…", then show the drift again.`);
  }
  await ctx.showDrift(file.key, lab.hosts.length > 1 ? labHost.name : undefined, destination);
}

/** "Compare with .vnet File…" on a host: the same drift view, the file picked from the workspace. */
export async function compareWithFile(ctx: DriftContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Compare with a .vnet file');
  const files = await ctx.findLabFiles();
  if (!files.length) {
    throw new VnetError('VN-LAB-NONE', 'There is no .vnet file in the workspace to compare with. Write one, or make one from this host with "Export Host as .vnet".');
  }
  const picked = await ctx.ui.pick(files.map((f) => ({ label: iconSafe(f.label), value: f })), {
    title: `Compare ${iconSafe(session.destination)}`, placeholder: 'With which .vnet file?',
  });
  if (!picked) cancelled();
  const file = await picked.read();
  const lab = compileLabFile(file);
  const labHost = await chooseLabHost(ctx, lab);
  await ctx.showDrift(file.key, lab.hosts.length > 1 ? labHost.name : undefined, session.destination);
}

async function chooseLabHost(ctx: DriftContext, lab: Lab): Promise<LabHost> {
  if (!lab.hosts.length) throw new VnetError('VN-LAB-INVALID', `Lab ${lab.name} declares no host to compare.`);
  if (lab.hosts.length === 1) return lab.hosts[0];
  const picked = await ctx.ui.pick(
    lab.hosts.map((h) => ({ label: iconSafe(h.name), description: h.target ? iconSafe(h.target) : undefined, value: h })),
    { title: `Drift of lab ${iconSafe(lab.name)}`, placeholder: 'Which host of the file?' },
  );
  if (!picked) cancelled();
  return picked;
}
