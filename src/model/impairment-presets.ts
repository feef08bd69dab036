// Impairments people reach for, by name (the Hosts tree's "Impair Link…"), and the one-line form a custom
// impairment is typed in: the language's own words, `delay 20ms jitter 5ms loss 1% rate 10mbit`. Pure.

import {
  IMPAIRMENT_FACTS, IMPAIRMENT_SETTINGS, impairmentProblem, isImpairmentSetting, parseImpairmentValue, type Impairment,
} from './impairment';

export interface ImpairmentPreset {
  label: string;
  /** What it stands for, for the picker. */
  detail: string;
  /** Per end: what each end does to the packets it sends (a round trip meets two ends). */
  impairment: Impairment;
}

export const IMPAIRMENT_PRESETS: readonly ImpairmentPreset[] = [
  {
    label: 'Satellite link',
    detail: 'a geostationary hop: about 600 ms round trip, some jitter and loss, 10 Mbit/s',
    impairment: { delayUs: 300_000, jitterUs: 10_000, lossPct: 0.5, rateBps: 10_000_000 },
  },
  {
    label: '3G',
    detail: 'a mobile link: about 200 ms round trip, jittery, 1% loss, 1.5 Mbit/s',
    impairment: { delayUs: 100_000, jitterUs: 40_000, correlationPct: 25, lossPct: 1, rateBps: 1_500_000 },
  },
  {
    label: 'Lossy Wi-Fi',
    detail: 'a busy wireless link: short but jittery delays, 5% loss, some reordering',
    impairment: { delayUs: 10_000, jitterUs: 5_000, lossPct: 5, reorderPct: 2 },
  },
  {
    label: '1% loss',
    detail: 'drops one packet in a hundred, nothing else',
    impairment: { lossPct: 1 },
  },
];

export type ImpairmentText = { impairment: Impairment } | { error: string };

/** `delay 20ms loss 1%`: settings and values as a `.vnet` file writes them, each setting once. */
export function parseImpairmentText(text: string): ImpairmentText {
  const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return { error: `Write settings and values, e.g. \`delay 20ms loss 1%\`. Settings: ${IMPAIRMENT_SETTINGS.join(', ')}.` };
  const impairment: Impairment = {};
  for (let i = 0; i < words.length; i += 2) {
    const setting = words[i];
    if (!isImpairmentSetting(setting)) return { error: `"${setting}" is not a setting. Settings: ${IMPAIRMENT_SETTINGS.join(', ')}.` };
    const value = words[i + 1];
    if (value === undefined) return { error: `${setting} needs a value, e.g. \`${setting} ${IMPAIRMENT_FACTS[setting].example}\`.` };
    const field = IMPAIRMENT_FACTS[setting].field;
    if (impairment[field] !== undefined) return { error: `${setting} is given twice. Keep one.` };
    const parsed = parseImpairmentValue(setting, value);
    if ('error' in parsed) return parsed;
    impairment[field] = parsed.value;
  }
  const problem = impairmentProblem(impairment);
  return problem ? { error: problem } : { impairment };
}
