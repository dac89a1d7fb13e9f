import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';

/** A change waiting for its reason. */
export interface PendingChange {
  title: string;
  /** `canary 5% → 25% of HTTPRoute/… in gke-…`. */
  description: string;
  submit: (reason: string) => Promise<void>;
}

/** Asks for the reason of a change, then makes it; an error stays in the dialog, plainly. */
export function ChangeDialog(props: {
  change?: PendingChange;
  onClose: () => void;
}) {
  const { change, onClose } = props;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const close = () => {
    setReason('');
    setError(undefined);
    setBusy(false);
    onClose();
  };

  const confirm = async () => {
    if (!change) return;
    setBusy(true);
    setError(undefined);
    try {
      await change.submit(reason.trim());
      close();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={!!change}
      onClose={busy ? undefined : close}
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle>{change?.title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{change?.description}</DialogContentText>
        <TextField
          fullWidth
          required
          multiline
          minRows={2}
          label="Reason"
          helperText="Required. Kept in the history with your name."
          value={reason}
          onChange={e => setReason(e.target.value)}
          inputProps={{ maxLength: 500, 'aria-label': 'Reason' }}
        />
        {error && (
          <Typography
            role="alert"
            color="error"
            variant="body2"
            style={{ marginTop: 16 }}
          >
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={confirm}
          disabled={busy || reason.trim() === ''}
        >
          {busy ? 'Changing…' : 'Change traffic'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
