import { useState } from 'react';
import { DeliveryStatus, WebhookBody, WebhookKind, type Delivery, type Webhook } from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { FieldError, SubmitButton, useCommand } from '../../forms';
import { label, t } from '../../i18n';
import { useApi } from '../../use-api';

/** 群机器人: the list, and one form that creates (no id) or replaces (an id) a webhook. */
export function WebhooksPanel() {
  const hooks = useApi<{ items: Webhook[] }>('/admin/webhooks');
  const empty = { id: '', jurisdiction: '', kind: 'wecom', url: '', active: true };
  const [values, setValues] = useState(empty);
  const { errors, pending, submit } = useCommand(WebhookBody, async (body) => {
    await api('/admin/webhooks', { json: body });
    setValues(empty);
    hooks.reload();
  });
  return (
    <section data-testid="admin-webhooks">
      <table data-testid="webhooks-table">
        <thead>
          <tr>
            <th>ID</th>
            <th>{t('admin.jurisdiction')}</th>
            <th>{t('admin.kind')}</th>
            <th>{t('admin.url')}</th>
            <th>{t('admin.active')}</th>
          </tr>
        </thead>
        <tbody>
          {hooks.data?.items.map((h) => (
            <tr key={h.id}>
              <td>
                <button type="button" className="link" onClick={() => setValues(h)}>
                  {h.id}
                </button>
              </td>
              <td>{h.jurisdiction}</td>
              <td>{label('webhookKind', h.kind)}</td>
              <td className="wrap">{h.url}</td>
              <td>{h.active ? t('admin.enabled') : t('admin.disabled')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="panel form-row"
        noValidate
        data-testid="webhook-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit({ ...values, id: values.id || undefined });
        }}
      >
        <label>
          {t('admin.webhookId')}
          <input value={values.id} onChange={(e) => setValues({ ...values, id: e.target.value })} />
          <FieldError errors={errors} name="id" />
        </label>
        <label>
          {t('admin.jurisdiction')}
          <input
            value={values.jurisdiction}
            onChange={(e) => setValues({ ...values, jurisdiction: e.target.value })}
            data-testid="webhook-jurisdiction"
          />
          <FieldError errors={errors} name="jurisdiction" />
        </label>
        <label>
          {t('admin.kind')}
          <select value={values.kind} onChange={(e) => setValues({ ...values, kind: e.target.value })}>
            {WebhookKind.options.map((k) => (
              <option key={k} value={k}>
                {label('webhookKind', k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.url')}
          <input
            value={values.url}
            onChange={(e) => setValues({ ...values, url: e.target.value })}
            data-testid="webhook-url"
          />
          <FieldError errors={errors} name="url" />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={values.active}
            onChange={(e) => setValues({ ...values, active: e.target.checked })}
          />
          {t('admin.enabled')}
        </label>
        <SubmitButton pending={pending} testId="webhook-submit">
          {t('admin.save')}
        </SubmitButton>
        <FieldError errors={errors} name="form" />
      </form>
    </section>
  );
}

/** 投递记录: the delivery log by status, with a retry for the failed and dead ones. */
export function DeliveriesPanel() {
  const [status, setStatus] = useState('');
  const deliveries = useApi<{ items: Delivery[] }>('/admin/deliveries', { status: status || undefined });
  const [error, setError] = useState('');
  const retry = async (id: string) => {
    try {
      await api(`/admin/deliveries/${id}/retry`, { json: {} });
      deliveries.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <section data-testid="admin-deliveries">
      <label className="inline">
        {t('admin.status')}
        <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="delivery-status">
          <option value="">{t('admin.anyStatus')}</option>
          {DeliveryStatus.options.map((s) => (
            <option key={s} value={s}>
              {label('deliveryStatus', s)}
            </option>
          ))}
        </select>
      </label>
      {error && <p className="field-error">{error}</p>}
      <table data-testid="deliveries-table">
        <thead>
          <tr>
            <th>{t('admin.titleCol')}</th>
            <th>{t('admin.channel')}</th>
            <th>{t('admin.status')}</th>
            <th className="num">{t('admin.attempts')}</th>
            <th>{t('admin.lastError')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {deliveries.data?.items.map((d) => (
            <tr key={d.id}>
              <td className="wrap">{d.title}</td>
              <td>{label('channel', d.channel)}</td>
              <td>{label('deliveryStatus', d.status)}</td>
              <td className="num">{d.attempts}</td>
              <td className="wrap">{d.lastError}</td>
              <td>
                {(d.status === 'failed' || d.status === 'dead') && (
                  <button type="button" className="link" onClick={() => void retry(d.id)}>
                    {t('admin.retry')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
