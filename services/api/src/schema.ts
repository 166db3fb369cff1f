import type { ColumnType, Generated } from 'kysely';
import type {
  ApiTokenScope,
  BranchType,
  CampaignSettings,
  Catalog,
  CatalogPick,
  EvidenceRequirement,
  PlaceLevel,
  Role,
  TownshipKind,
} from '@fivestar/contracts';

export const API_SCHEMA = 'api';

/** A kind of evidence file, as catalogs name them (EvidenceRequirement.kinds). */
export type EvidenceKind = EvidenceRequirement['kinds'][number];

/** A pinned catalog version. */
export type CatalogRef = CatalogPick;

/** jsonb: read as the parsed value, written as JSON text (node-pg would send arrays as SQL arrays). */
type Json<T> = ColumnType<T, string, string>;

export interface ApiDatabase {
  provinces: { code: string; name: string };
  cities: { code: string; name: string };
  counties: { code: string; name: string };
  townships: {
    code: string;
    name: string;
    county_code: string;
    /** migration 0011 */
    kind: ColumnType<TownshipKind, TownshipKind | undefined, TownshipKind>;
  };
  /** The directory's history (migration 0010): rows are only added. */
  directory_changes: {
    id: ColumnType<string, never, never>;
    /** null: a city's or the province's change (migration 0011). */
    county_code: string | null;
    level: PlaceLevel;
    code: string;
    kind: 'rename';
    from_name: string;
    to_name: string;
    changed_by: string;
    changed_at: Generated<Date>;
  };
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
    /** The catalogs pinned at the start, one per branch type (migration 0002). */
    catalogs: ColumnType<CatalogRef[], string | undefined, never>;
    /** The townships the round covers; null: the whole county (migration 0006). */
    township_codes: ColumnType<string[] | null, string | null | undefined, never>;
    /** The province's campaign the round runs under; null: a county's own round (migration 0011). */
    campaign_id: ColumnType<string | null, string | null | undefined, never>;
  };
  /** The province's yearly campaigns (年度创建), one per year (migration 0011). */
  campaigns: {
    campaign_id: string;
    province_code: string;
    year: number;
    title: string;
    settings: Json<CampaignSettings>;
    opened_by: string;
    opened_at: Generated<Date>;
  };
  /** One row per catalog version; rows are never updated (a trigger refuses it). */
  catalogs: {
    id: string;
    version: number;
    branch_type: BranchType;
    title: string;
    example: boolean;
    body: Json<Catalog>;
    digest: string;
    created_by: string;
    created_at: Generated<Date>;
  };
  /** Evidence metadata: one row per (round, branch, sha256, filename); the bytes are in the store. */
  evidence: {
    round_id: string;
    branch_code: string;
    sha256: string;
    filename: string;
    size: number;
    content_type: string;
    kind: EvidenceKind;
    uploaded_by: string;
    uploaded_at: Generated<Date>;
  };
  /** Login sessions (refresh-token families, migration 0005); access tokens carry the id. */
  sessions: {
    id: string;
    user_id: string;
    created_at: Date;
    revoked_at: Date | null;
    revoked_reason: string | null;
  };
  /** sha256 of each refresh token issued; `used_at` once rotated. */
  refresh_tokens: {
    token_hash: string;
    session_id: string;
    issued_at: Date;
    expires_at: Date;
    used_at: Date | null;
  };
  /**
   * Failed logins per (name typed, client address) since the last success from there, and per name from
   * every address (`address` '*') within a window; each with the delay they caused (migration 0008).
   */
  login_failures: {
    username: string;
    address: string;
    failures: number;
    window_started_at: Date;
    last_failure_at: Date;
    locked_until: Date | null;
  };
  /** Working-day calendar years loaded by administrators, one row per version (migration 0007). */
  calendar_years: {
    calendar_id: string;
    year: number;
    version: number;
    holidays: Json<string[]>;
    workdays: Json<string[]>;
    source: string | null;
    loaded_by: string;
    loaded_at: Generated<Date>;
    revision: ColumnType<string, never, never>;
  };
  /** API tokens for scripts: only the secret's sha256 is kept. */
  api_tokens: {
    id: string;
    user_id: string;
    name: string;
    scopes: Json<ApiTokenScope[]>;
    secret_hash: string;
    created_at: Date;
    expires_at: Date | null;
    revoked_at: Date | null;
  };
}
