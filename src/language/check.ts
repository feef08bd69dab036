// The checker: every semantic check over a bound model, each in its own file.

import { checkAddresses } from './check-addresses';
import { checkBridges } from './check-bridges';
import { CheckContext } from './check-context';
import { checkNat } from './check-nat';
import { checkRouting } from './check-routing';
import type { Problem } from './diagnostics';
import type { VnetModel } from './model';

export function check(model: VnetModel): Problem[] {
  const context = new CheckContext(model);
  checkAddresses(context);
  checkRouting(context);
  checkNat(context);
  checkBridges(context);
  return context.problems;
}
