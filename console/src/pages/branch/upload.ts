import type { EvidenceFile } from '@fivestar/contracts';
import { api } from '../../api';

/** Stores one file as the branch's evidence in this round (the body is the file itself). */
export const uploadEvidence = (base: string, file: File) =>
  api<EvidenceFile>(`${base}/evidence`, {
    blob: file,
    query: { filename: file.name },
  });
