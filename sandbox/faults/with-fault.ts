/** Test support: one fault knob on for the length of a test body, cleared however the body ends. */
import { parseFault, type Faults } from './faults.ts';

/** Sets `spec` (`NAME[=VALUE][@TRIGGER]`), runs `body`, then clears the knob. */
export async function withFault(faults: Faults, spec: string, body: () => Promise<void>): Promise<void> {
  const setting = parseFault(spec);
  faults.set(setting);
  try {
    await body();
  } finally {
    faults.clear(setting.name);
  }
}
