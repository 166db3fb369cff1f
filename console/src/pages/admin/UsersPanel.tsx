import { useMemo, useState } from 'react';
import {
  CreateUserRequest,
  ROLE_SCOPES,
  SCOPE_CODE_LENGTH,
  ROLES,
  scopeOf,
  type Role,
  type UserInfo,
} from '@fivestar/contracts';
import { api, ApiError, type FieldErrors } from '../../api';
import { FieldError, SubmitButton, TextField, useCommand } from '../../forms';
import { roleAt } from '../../dictionary';
import { t } from '../../i18n';
import { countyOf, useBranches, useTownships } from '../../lists';
import { useUser } from '../../session';
import { useApi } from '../../use-api';

/** The roles that may be held at `jurisdiction`'s level (every role while it is not a code yet). */
export function rolesAt(jurisdiction: string): Role[] {
  const scope = scopeOf(jurisdiction);
  return scope ? ROLES.filter((r) => ROLE_SCOPES[r].includes(scope)) : [...ROLES];
}

/** The roles of the jurisdiction's level, each named as held there (县级专班, 市级审核人). */
function RoleSelect({
  value,
  onChange,
  jurisdiction,
  testid,
}: {
  value: string;
  onChange: (r: Role) => void;
  jurisdiction: string;
  testid: string;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as Role)} data-testid={testid}>
      {rolesAt(jurisdiction).map((r) => (
        <option key={r} value={r}>
          {roleAt(r, jurisdiction)}
        </option>
      ))}
    </select>
  );
}

/**
 * The role a form sends: the one chosen when it may be held at the jurisdiction, else the level's first
 * (the choice is kept while a code is typed through shorter levels).
 */
const roleFor = (role: string, jurisdiction: string): Role => {
  const roles = rolesAt(jurisdiction);
  return roles.find((r) => r === role) ?? roles[0]!;
};

/**
 * The places an administrator picks from by name: a county's admin its county, townships and branches
 * (`城关镇 徐集村`); above the county the directory lists no cities or counties, so only the admin's own
 * area is named and the rest is typed as a code.
 */
function usePlaces(jurisdiction: string) {
  const county = jurisdiction.length === 6 ? countyOf(jurisdiction) : null;
  const townships = useTownships(county);
  const branches = useBranches(county);
  const places = useMemo(() => {
    const scope = scopeOf(jurisdiction);
    const names = new Map<string, string>(scope ? [[jurisdiction, t(`admin.whole.${scope}`)]] : []);
    for (const tw of townships.data?.items ?? []) names.set(tw.code, tw.name);
    for (const b of branches.data?.items ?? [])
      names.set(b.code, `${names.get(b.townshipCode) ?? ''} ${b.name}`.trim());
    return names;
  }, [jurisdiction, townships.data, branches.data]);
  return { places, townships: townships.data?.items };
}

const PLACES_LIST = 'jurisdiction-places';

/** Every place of the county for the jurisdiction inputs: typing a name offers its code. */
function PlacesList({ places }: { places: Map<string, string> }) {
  return (
    <datalist id={PLACES_LIST}>
      {[...places].map(([code, name]) => (
        <option key={code} value={code} label={name} />
      ))}
    </datalist>
  );
}

/** A jurisdiction code, picked by name from the county's places, the name shown beside it. */
function JurisdictionInput({
  value,
  onChange,
  places,
  testid,
}: {
  value: string;
  onChange: (code: string) => void;
  places: Map<string, string>;
  testid: string;
}) {
  return (
    <>
      <input
        list={PLACES_LIST}
        value={value}
        onChange={(e) => onChange(e.target.value.trim())}
        data-testid={testid}
      />
      {places.get(value) && <small className="muted">{places.get(value)}</small>}
    </>
  );
}

/** One user row: disable/enable, and re-scope (role and jurisdiction) in place. */
function UserRow({
  user,
  onChanged,
  places,
}: {
  user: UserInfo;
  onChanged: () => void;
  places: Map<string, string>;
}) {
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<string>(user.role);
  const [jurisdiction, setJurisdiction] = useState(user.jurisdiction);
  const [error, setError] = useState('');
  const patch = async (body: Record<string, unknown>) => {
    try {
      await api(`/admin/users/${encodeURIComponent(user.username)}`, { method: 'PATCH', json: body });
      setEditing(false);
      setError('');
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? (Object.values(e.fields)[0] ?? e.message) : String(e));
    }
  };
  return (
    <tr data-testid={`user-${user.username}`}>
      <td className="wrap">{user.username}</td>
      <td className="wrap">{user.name}</td>
      <td>
        {editing ? (
          <RoleSelect
            value={roleFor(role, jurisdiction)}
            onChange={setRole}
            jurisdiction={jurisdiction}
            testid={`role-${user.username}`}
          />
        ) : (
          roleAt(user.role, user.jurisdiction)
        )}
      </td>
      <td>
        {editing ? (
          <JurisdictionInput
            value={jurisdiction}
            onChange={setJurisdiction}
            places={places}
            testid={`jurisdiction-${user.username}`}
          />
        ) : (
          <span className="branch-cell" data-testid={`place-${user.username}`}>
            <span className="ellipsis">{places.get(user.jurisdiction) ?? user.jurisdiction}</span>
            {places.has(user.jurisdiction) && <small className="muted">{user.jurisdiction}</small>}
          </span>
        )}
      </td>
      <td>{user.active ? t('admin.enabled') : <span className="muted">{t('admin.disabled')}</span>}</td>
      <td>
        {editing ? (
          <button
            type="button"
            data-testid={`save-${user.username}`}
            onClick={() => void patch({ role: roleFor(role, jurisdiction), jurisdiction })}
          >
            {t('admin.save')}
          </button>
        ) : (
          <button type="button" className="link" onClick={() => setEditing(true)}>
            {t('admin.rescope')}
          </button>
        )}
        <button
          type="button"
          className="link"
          data-testid={`toggle-${user.username}`}
          onClick={() => void patch({ active: !user.active })}
        >
          {user.active ? t('admin.disable') : t('admin.enable')}
        </button>
        {error && <span className="field-error">{error}</span>}
      </td>
    </tr>
  );
}

function CreateUserForm({
  onCreated,
  places,
  within,
}: {
  onCreated: () => void;
  places: Map<string, string>;
  /** The admin's jurisdiction: a code outside it is refused here, before the server would. */
  within: string;
}) {
  const empty = { username: '', name: '', role: 'village_secretary', jurisdiction: '', password: '' };
  const [values, setValues] = useState(empty);
  const { errors, pending, submit, clear } = useCommand(CreateUserRequest, async (body) => {
    await api('/admin/users', { json: body });
    setValues(empty);
    onCreated();
  });
  const set = (name: keyof typeof empty) => (value: string) => {
    clear(name);
    setValues({ ...values, [name]: value });
  };
  const role = roleFor(values.role, values.jurisdiction);
  const outside: FieldErrors =
    values.jurisdiction && !values.jurisdiction.startsWith(within)
      ? { jurisdiction: t('admin.outside') }
      : {};
  return (
    <form
      className="panel form-row"
      data-testid="create-user-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit({ ...values, role }, outside);
      }}
    >
      <TextField
        label={t('admin.username')}
        name="username"
        value={values.username}
        onChange={set('username')}
        errors={errors}
        testId="new-username"
      />
      <TextField
        label={t('admin.name')}
        name="name"
        value={values.name}
        onChange={set('name')}
        errors={errors}
        testId="new-name"
      />
      <label>
        {t('admin.jurisdiction')}
        <JurisdictionInput
          value={values.jurisdiction}
          onChange={(jurisdiction) => {
            clear('jurisdiction');
            setValues({ ...values, jurisdiction });
          }}
          places={places}
          testid="new-jurisdiction"
        />
        <FieldError errors={errors} name="jurisdiction" />
      </label>
      <label>
        {t('admin.role')}
        <RoleSelect
          value={role}
          onChange={(chosen) => setValues({ ...values, role: chosen })}
          jurisdiction={values.jurisdiction}
          testid="new-role"
        />
      </label>
      <TextField
        label={t('admin.password')}
        name="password"
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={set('password')}
        errors={errors}
        testId="new-password"
      />
      <SubmitButton pending={pending} testId="create-user-submit">
        {t('admin.create')}
      </SubmitButton>
      <FieldError errors={errors} name="form" />
    </form>
  );
}

/** 用户: list by role and township, create, disable/enable, re-scope. */
export function UsersPanel() {
  const admin = useUser();
  const [role, setRole] = useState('');
  const [township, setTownship] = useState('');
  const users = useApi<{ items: UserInfo[] }>('/admin/users', {
    role: role || undefined,
    jurisdiction: township || undefined,
  });
  const within = admin?.jurisdiction ?? '';
  // A county's administrator narrows the list to a township (its branches' users included).
  const { places, townships } = usePlaces(within);
  return (
    <section data-testid="admin-users">
      <PlacesList places={places} />
      <CreateUserForm onCreated={users.reload} places={places} within={within} />
      <label className="inline">
        {t('admin.filter')}
        <select value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">{t('admin.anyRole')}</option>
          {ROLES.filter((r) => ROLE_SCOPES[r].some((s) => SCOPE_CODE_LENGTH[s] >= within.length)).map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      {townships && (
        <label className="inline">
          <select value={township} onChange={(e) => setTownship(e.target.value)} data-testid="users-township">
            <option value="">{t('wholeCounty')}</option>
            {townships.map((tw) => (
              <option key={tw.code} value={tw.code}>
                {tw.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="scroll-x">
        <table className="wide" data-testid="users-table">
          <thead>
            <tr>
              <th>{t('admin.username')}</th>
              <th>{t('admin.name')}</th>
              <th>{t('admin.role')}</th>
              <th>{t('admin.jurisdiction')}</th>
              <th>{t('admin.active')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((u) => (
              <UserRow key={u.username} user={u} onChanged={users.reload} places={places} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
