import {
  GCP_LABEL_KEY_PATTERN,
  GCP_LABEL_VALUE_PATTERN,
} from '@groundcrew/plugin-infra-common';
import type { z } from 'zod/v3';

/** GCP labels as both actions take them: keys and values in GCP's own alphabet. */
export const gcpLabels = (zImpl: typeof z) =>
  zImpl.record(
    zImpl
      .string()
      .regex(
        GCP_LABEL_KEY_PATTERN,
        'label keys: a-z first, then a-z 0-9 _ -, ≤ 63',
      ),
    zImpl
      .string()
      .regex(GCP_LABEL_VALUE_PATTERN, 'label values: a-z 0-9 _ -, ≤ 63'),
  );
