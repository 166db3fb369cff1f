import { useState } from 'react';
import { CreateUserRequest, ROLES, type Role, type UserInfo } from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { FieldError, SubmitButton, useCommand } from '../../forms';
import { t } from '../../i18n';
import { countyOf, useTownships } from '../../lists';
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

/** One user row: disable/enable, and re-scope (role and jurisdiction) in place. */
function UserRow({ user, onChanged }: { user: UserInfo; onChanged: () => void }) {
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
          t(`role.${user.role}`)
        )}
      </td>
      <td>
        {editing ? (
          <input
            value={jurisdiction}
            onChange={(e) => setJurisdiction(e.target.value)}
            data-testid={`jurisdiction-${user.username}`}
          />
        ) : (
          user.jurisdiction
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

function CreateUserForm({ onCreated }: { onCreated: () => void }) {
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
      {field('jurisdiction')}
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
  const townships = useTownships(admin?.jurisdiction.length === 6 ? countyOf(admin.jurisdiction) : null);
  return (
    <section data-testid="admin-users">
      <CreateUserForm onCreated={users.reload} />
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
      {townships.data && (
        <label className="inline">
          <select value={township} onChange={(e) => setTownship(e.target.value)} data-testid="users-township">
            <option value="">{t('admin.wholeCounty')}</option>
            {townships.data.items.map((tw) => (
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
            <UserRow key={u.username} user={u} onChanged={users.reload} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
