import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { NamespaceAccess } from '@groundcrew/plugin-infra-common';
import { durationChoices, durationLabel } from './format';

/** Asks for write access to one namespace: a reason (required) and a duration up to the role's maximum. */
export function RequestDialog(props: {
  namespace: NamespaceAccess;
  onCancel: () => void;
  onSubmit: (input: {
    reason: string;
    durationMinutes: number;
  }) => Promise<void>;
}) {
  const { namespace, onCancel, onSubmit } = props;
  const choices = durationChoices(namespace.maxDurationMinutes);
  const [reason, setReason] = useState('');
  const [duration, setDuration] = useState(
    choices.includes(60) ? 60 : choices[choices.length - 1],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    if (!reason.trim()) {
      setError('A reason is required.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit({ reason: reason.trim(), durationMinutes: duration });
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onCancel} fullWidth maxWidth="sm">
      <DialogTitle>Request write access to {namespace.namespace}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          Teleport role <code>{namespace.writeRole}</code>, granted once a
          reviewer approves. At most{' '}
          {durationLabel(namespace.maxDurationMinutes ?? 60)}.
        </Typography>
        <TextField
          label="Reason"
          required
          fullWidth
          multiline
          minRows={2}
          value={reason}
          onChange={e => setReason(e.target.value)}
          helperText="What you need to change, for the reviewer and the audit log"
          inputProps={{ 'aria-label': 'Reason', maxLength: 1000 }}
          margin="normal"
        />
        <TextField
          select
          label="Duration"
          value={duration}
          onChange={e => setDuration(Number(e.target.value))}
          margin="normal"
          inputProps={{ 'aria-label': 'Duration' }}
        >
          {choices.map(d => (
            <MenuItem key={d} value={d}>
              {durationLabel(d)}
            </MenuItem>
          ))}
        </TextField>
        {error && (
          <Typography color="error" role="alert">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={busy}
        >
          Request
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** Approves or denies a request, with a reason. */
export function ReviewDialog(props: {
  state: 'APPROVED' | 'DENIED';
  requester: string;
  roles: string[];
  requestReason: string;
  onCancel: () => void;
  onSubmit: (reason: string) => Promise<void>;
}) {
  const { state, requester, roles, requestReason, onCancel, onSubmit } = props;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const verb = state === 'APPROVED' ? 'Approve' : 'Deny';
  const submit = async () => {
    if (!reason.trim()) {
      setError('A reason is required.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(reason.trim());
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onCancel} fullWidth maxWidth="sm">
      <DialogTitle>
        {verb} {requester}'s request for {roles.join(', ')}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          Their reason: “{requestReason}”
        </Typography>
        <TextField
          label="Your reason"
          required
          fullWidth
          multiline
          minRows={2}
          value={reason}
          onChange={e => setReason(e.target.value)}
          inputProps={{ 'aria-label': 'Review reason', maxLength: 1000 }}
          margin="normal"
        />
        {error && (
          <Typography color="error" role="alert">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button
          color={state === 'APPROVED' ? 'primary' : 'secondary'}
          variant="contained"
          onClick={submit}
          disabled={busy}
        >
          {verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
