import type { Generated } from 'kysely';
import type { BranchType, Role } from '@fivestar/contracts';

export const API_SCHEMA = 'api';

export interface ApiDatabase {
  counties: { code: string; name: string };
  townships: { code: string; name: string; county_code: string };
  branches: {
    code: string;
    name: string;
    type: BranchType;
    township_code: string;
    county_code: string;
    weak: boolean;
  };
  users: {
    id: string;
    username: string;
    password_hash: string;
    name: string;
    role: Role;
    jurisdiction: string;
    active: boolean;
    created_at: Generated<Date>;
  };
  rounds: {
    round_id: string;
    county_code: string;
    year: number;
    title: string;
    workflow_id: string;
    started_by: string;
    started_at: Generated<Date>;
  };
}
