import { useMemo, useState } from 'react';
import { CreateUserRequest, ROLES, type Role, type UserInfo } from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { FieldError, SubmitButton, useCommand } from '../../forms';
import { roleAt } from '../../dictionary';
import { t } from '../../i18n';
import { countyOf, useBranches, useTownships } from '../../lists';
import { useUser } from '../../session';
import { useApi } from '../../use-api';

function RoleSelect({
  value,
  onChange,
  testid,
}: {
  value: string;
  onChange: (r: string) => void;
  testid: string;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testid}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

/** The admin's county by code: itself, its townships and branches named (`城关镇 徐集村`). */
function usePlaces(countyCode: string | null) {
  const townships = useTownships(countyCode);
  const branches = useBranches(countyCode);
  const places = useMemo(() => {
    const names = new Map<string, string>(countyCode ? [[countyCode, t('wholeCounty')]] : []);
    for (const tw of townships.data?.items ?? []) names.set(tw.code, tw.name);
    for (const b of branches.data?.items ?? [])
      names.set(b.code, `${names.get(b.townshipCode) ?? ''} ${b.name}`.trim());
    return names;
  }, [countyCode, townships.data, branches.data]);
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
          <RoleSelect value={role} onChange={setRole} testid={`role-${user.username}`} />
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
            onClick={() => void patch({ role: role as Role, jurisdiction })}
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

function CreateUserForm({ onCreated, places }: { onCreated: () => void; places: Map<string, string> }) {
  const empty = { username: '', name: '', role: 'village_secretary', jurisdiction: '', password: '' };
  const [values, setValues] = useState(empty);
  const { errors, pending, submit } = useCommand(CreateUserRequest, async (body) => {
    await api('/admin/users', { json: body });
    setValues(empty);
    onCreated();
  });
  const field = (name: keyof typeof empty, type = 'text') => (
    <label>
      {t(`admin.${name}`)}
      <input
        type={type}
        value={values[name]}
        onChange={(e) => setValues({ ...values, [name]: e.target.value })}
        data-testid={`new-${name}`}
      />
      <FieldError errors={errors} name={name} />
    </label>
  );
  return (
    <form
      className="panel form-row"
      data-testid="create-user-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit(values);
      }}
    >
      {field('username')}
      {field('name')}
      <label>
        {t('admin.role')}
        <RoleSelect
          value={values.role}
          onChange={(role) => setValues({ ...values, role })}
          testid="new-role"
        />
      </label>
      <label>
        {t('admin.jurisdiction')}
        <JurisdictionInput
          value={values.jurisdiction}
          onChange={(jurisdiction) => setValues({ ...values, jurisdiction })}
          places={places}
          testid="new-jurisdiction"
        />
        <FieldError errors={errors} name="jurisdiction" />
      </label>
      {field('password', 'password')}
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
  // A county's administrator narrows the list to a township (its branches' users included).
  const county = admin?.jurisdiction.length === 6 ? countyOf(admin.jurisdiction) : null;
  const { places, townships } = usePlaces(county);
  return (
    <section data-testid="admin-users">
      <PlacesList places={places} />
      <CreateUserForm onCreated={users.reload} places={places} />
      <label className="inline">
        {t('admin.filter')}
        <select value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">{t('admin.anyRole')}</option>
          {ROLES.map((r) => (
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
      <table data-testid="users-table">
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
    </section>
  );
}
