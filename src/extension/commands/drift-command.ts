// "Show Drift": a .vnet file drawn against the live host it describes, so that what someone changed by hand
// (or an apply that never ran) shows in the picture. A multi-host file asks which of its hosts; a host the
// file names no ssh target for is picked like Plan picks it. Free of vscode.

import { VnetError } from '../../model/errors';
import { iconSafe } from '../text-safety';
import { cancelled } from './resolve';
import { chooseDestination, compileLabFile, type LabContext } from './lab-commands';

export interface DriftContext extends LabContext {
  /**
   * Opens the drift view of the file (its URI as `fileKey`) against the live host `destination`: of its host
   * `labHost`, or of its only host when that is undefined.
   */
  showDrift(fileKey: string, labHost: string | undefined, destination: string): Promise<void>;
}

export async function showDrift(ctx: DriftContext, arg: unknown): Promise<void> {
  const file = await ctx.readLabFile(arg);
  const lab = compileLabFile(file);
  if (!lab.hosts.length) throw new VnetError('VN-LAB-INVALID', `${file.label} declares no host to compare.`);
  let labHost = lab.hosts[0];
  if (lab.hosts.length > 1) {
    const picked = await ctx.ui.pick(
      lab.hosts.map((h) => ({ label: iconSafe(h.name), description: h.target ? iconSafe(h.target) : undefined, value: h })),
      { title: `Drift of lab ${iconSafe(lab.name)}`, placeholder: 'Which host of the file?' },
    );
    if (!picked) cancelled();
    labHost = picked;
  }
  const destination = await chooseDestination(ctx, file, lab, labHost);
  if (!ctx.hosts.get(destination)) {
    throw new VnetError('VN-HOST-NONE', `${destination} is not in the Hosts view, and the drift view follows a host there. Add it with "VNet: Add Host…", then show the drift again.`);
  }
  await ctx.showDrift(file.key, lab.hosts.length > 1 ? labHost.name : undefined, destination);
}
