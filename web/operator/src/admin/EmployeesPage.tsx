// Employees: a paged table, an "Add employee" form and an edit form per employee.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, withQuery, type Page } from '../api/client';
import type { Employee, Role } from '../api/types';
import { useConfirm } from './ConfirmDialog';
import { ErrorBox, Loading, ROLE_LABEL, StatusText, errorText } from './common';

const ROLES: Role[] = ['operator', 'supervisor', 'admin'];
const EMAIL_RE = /^[^\s<>",;@]+@[^\s<>",;@]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

export function validateName(name: string): string | null {
  if (!name.trim()) return 'Enter a name.';
  if (name.length > 200) return 'The name is too long (200 characters at most).';
  if (CONTROL_RE.test(name)) return 'The name must not contain control characters.';
  return null;
}

export function validateEmail(email: string): string | null {
  const e = email.trim();
  if (!e) return 'Enter an e-mail address.';
  if (e.length > 254 || !EMAIL_RE.test(e)) return 'Enter an e-mail address like name@example.com.';
  return null;
}

export function validatePassword(pw: string, required: boolean): string | null {
  if (!pw && !required) return null;
  if (pw.length < 8) return 'The password needs at least 8 characters.';
  if (pw.length > 256) return 'The password is too long (256 characters at most).';
  return null;
}

interface FieldProps {
  label: string;
  error?: string | null;
  hint?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const errId = id + '-err';
  const hintId = id + '-hint';
  const describedBy = [hint ? hintId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="adm-field">
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy, invalid: !!error })}
      {hint && (
        <span id={hintId} className="adm-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errId} className="adm-field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function AddEmployeeForm({ onCreated, onCancel }: { onCreated: (e: Employee) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const pwRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.focus(), []);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const errs = { name: validateName(name), email: validateEmail(email), password: validatePassword(password, true) };
    setErrors(errs);
    setServerError(null);
    if (errs.name) return nameRef.current?.focus();
    if (errs.email) return emailRef.current?.focus();
    if (errs.password) return pwRef.current?.focus();
    setBusy(true);
    try {
      const e = await api<Employee>('POST', '/api/v1/employees', { name: name.trim(), email: email.trim(), role, password });
      onCreated(e);
    } catch (e) {
      setServerError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="adm-card adm-form" onSubmit={submit} noValidate aria-labelledby="adm-add-employee-title">
      <h3 id="adm-add-employee-title">Add employee</h3>
      <Field label="Name" error={errors.name}>
        {({ id, describedBy, invalid }) => (
          <input id={id} ref={nameRef} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off"
            aria-describedby={describedBy} aria-invalid={invalid || undefined} maxLength={200} />
        )}
      </Field>
      <Field label="E-mail" error={errors.email}>
        {({ id, describedBy, invalid }) => (
          <input id={id} ref={emailRef} type="email" value={email} onChange={(e) => setEmail(e.target.value)}
            autoComplete="off" aria-describedby={describedBy} aria-invalid={invalid || undefined} />
        )}
      </Field>
      <Field label="Role">
        {({ id }) => (
          <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>{ROLE_LABEL[r]}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Password" error={errors.password} hint="At least 8 characters. Tell it to the employee privately.">
        {({ id, describedBy, invalid }) => (
          <input id={id} ref={pwRef} type="password" value={password} onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password" aria-describedby={describedBy} aria-invalid={invalid || undefined} />
        )}
      </Field>
      <ErrorBox error={serverError} />
      <div className="adm-actions">
        <button type="submit" className="adm-btn adm-btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create employee'}
        </button>
        <button type="button" className="adm-btn" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

function EditEmployeeForm({ employee, me, onSaved, onCancel }: {
  employee: Employee; me: Employee; onSaved: (e: Employee) => void; onCancel: () => void;
}) {
  const [name, setName] = useState(employee.name);
  const [role, setRole] = useState<Role>(employee.role);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.focus(), []);
  const self = employee.id === me.id;

  const save = async (ev: FormEvent) => {
    ev.preventDefault();
    const errs = { name: validateName(name), password: validatePassword(password, false) };
    setErrors(errs);
    setServerError(null);
    if (errs.name || errs.password) return;
    const body: Record<string, unknown> = {};
    if (name.trim() !== employee.name) body.name = name.trim();
    if (role !== employee.role) body.role = role;
    if (password) body.password = password;
    if (Object.keys(body).length === 0) return onCancel();
    setBusy(true);
    try {
      onSaved(await api<Employee>('PATCH', `/api/v1/employees/${employee.id}`, body));
    } catch (e) {
      setServerError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const deactivate = async () => {
    const ok = await confirm({
      title: `Deactivate ${employee.name}?`,
      message: `${employee.name} will be signed out everywhere and can no longer sign in. Their history stays. You can reactivate them later.`,
      confirmLabel: 'Deactivate',
      danger: true,
    });
    if (!ok) return;
    setBusy(true);
    setServerError(null);
    try {
      onSaved(await api<Employee>('DELETE', `/api/v1/employees/${employee.id}`));
    } catch (e) {
      setServerError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const reactivate = async () => {
    setBusy(true);
    setServerError(null);
    try {
      onSaved(await api<Employee>('PATCH', `/api/v1/employees/${employee.id}`, { active: true }));
    } catch (e) {
      setServerError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="adm-card adm-form" onSubmit={save} noValidate aria-label={`Edit ${employee.name}`}>
      <h3>Edit {employee.name}</h3>
      <p className="adm-muted">{employee.email}</p>
      <Field label="Name" error={errors.name}>
        {({ id, describedBy, invalid }) => (
          <input id={id} ref={nameRef} value={name} onChange={(e) => setName(e.target.value)}
            aria-describedby={describedBy} aria-invalid={invalid || undefined} maxLength={200} />
        )}
      </Field>
      <Field label="Role">
        {({ id }) => (
          <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>{ROLE_LABEL[r]}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label="New password" error={errors.password} hint="Leave empty to keep the current password. A new one signs the employee out everywhere.">
        {({ id, describedBy, invalid }) => (
          <input id={id} type="password" value={password} onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password" aria-describedby={describedBy} aria-invalid={invalid || undefined} />
        )}
      </Field>
      <ErrorBox error={serverError} />
      <div className="adm-actions">
        <button type="submit" className="adm-btn adm-btn-primary" disabled={busy}>Save</button>
        <button type="button" className="adm-btn" onClick={onCancel}>Cancel</button>
        <span className="adm-spacer" />
        {employee.active ? (
          <button type="button" className="adm-btn adm-btn-danger" onClick={deactivate} disabled={busy || self}
            title={self ? 'You cannot deactivate yourself' : undefined}>
            Deactivate
          </button>
        ) : (
          <button type="button" className="adm-btn" onClick={reactivate} disabled={busy}>Reactivate</button>
        )}
      </div>
      {dialog}
    </form>
  );
}

export default function EmployeesPage({ me }: { me: Employee }) {
  const [items, setItems] = useState<Employee[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const [status, setStatus] = useState('');
  const addBtn = useRef<HTMLButtonElement>(null);

  const load = useCallback(async (after: string | null) => {
    setError(null);
    if (after) setLoadingMore(true);
    try {
      const page = await api<Page<Employee>>('GET', withQuery('/api/v1/employees', { limit: 50, cursor: after }));
      setItems((prev) => (after && prev ? [...prev, ...page.items.filter((e) => !prev.some((p) => p.id === e.id))] : page.items));
      setCursor(page.next_cursor);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoadingMore(false);
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  const upsert = (e: Employee) =>
    setItems((prev) => {
      const list = prev ?? [];
      return list.some((p) => p.id === e.id) ? list.map((p) => (p.id === e.id ? e : p)) : [...list, e];
    });

  return (
    <section className="adm-page" aria-labelledby="adm-employees-title">
      <div className="adm-page-head">
        <h2 id="adm-employees-title" tabIndex={-1}>Employees</h2>
        {!adding && (
          <button type="button" ref={addBtn} className="adm-btn adm-btn-primary" onClick={() => { setAdding(true); setEditing(null); }}>
            Add employee
          </button>
        )}
      </div>
      <StatusText text={status} />
      {adding && (
        <AddEmployeeForm
          onCreated={(e) => {
            upsert(e);
            setAdding(false);
            setStatus(`${e.name} was added.`);
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      {items === null && !error && <Loading what="employees" />}
      {items === null && error && (
        <div>
          <ErrorBox error={error} />
          <button type="button" className="adm-btn" onClick={() => load(null)}>Try again</button>
        </div>
      )}
      {items !== null && items.length === 0 && (
        <p className="adm-empty">No employees yet. Use “Add employee” to invite your team.</p>
      )}
      {items !== null && items.length > 0 && (
        <table className="adm-table">
          <caption className="adm-sr-only">Employees</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Active</th>
              <th scope="col"><span className="adm-sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} className={e.active ? undefined : 'adm-inactive'}>
                <td>{e.name}{e.id === me.id && <span className="adm-muted"> (you)</span>}</td>
                <td>{e.email}</td>
                <td>{ROLE_LABEL[e.role] ?? e.role}</td>
                <td>{e.active ? 'Active' : 'Deactivated'}</td>
                <td className="adm-row-actions">
                  <button type="button" className="adm-btn adm-btn-small" aria-label={`Edit ${e.name}`}
                    aria-expanded={editing === e.id}
                    onClick={() => { setEditing(editing === e.id ? null : e.id); setAdding(false); }}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing !== null && items?.find((e) => e.id === editing) && (
        <EditEmployeeForm
          key={editing}
          me={me}
          employee={items.find((e) => e.id === editing)!}
          onSaved={(e) => {
            upsert(e);
            setEditing(null);
            setStatus(`${e.name} was saved.`);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {items !== null && error && <ErrorBox error={error} />}
      {cursor && (
        <button type="button" className="adm-btn" onClick={() => load(cursor)} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
