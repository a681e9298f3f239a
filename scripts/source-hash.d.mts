export interface Inputs {
  dirs?: string[];
  files?: string[];
}
export function hashSources(root: string, inputs: Inputs): string;
export function statFingerprint(root: string, inputs: Inputs): string;
export const buildInputs: Required<Inputs>;
export const templateInputs: Required<Inputs>;
