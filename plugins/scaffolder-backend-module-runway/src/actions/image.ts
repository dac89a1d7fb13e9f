import { InputError } from '@backstage/errors';

/** A container image split as the chart's values take it. */
export interface ImageRef {
  repository: string;
  /** A tag, or `sha256:<hex>` for an image pinned by digest. */
  tag: string;
}

const REPOSITORY =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** `registry/path/name:tag` or `registry/path/name@sha256:<hex>`; a bare name has no version. */
export function parseImage(image: string, field = 'image'): ImageRef {
  const digest = /^(.+)@(sha256:[a-f0-9]{64})$/.exec(image);
  if (digest && REPOSITORY.test(digest[1])) {
    return { repository: digest[1], tag: digest[2] };
  }
  const i = image.lastIndexOf(':');
  const repository = i > image.lastIndexOf('/') ? image.slice(0, i) : image;
  const tag = i > image.lastIndexOf('/') ? image.slice(i + 1) : '';
  if (!REPOSITORY.test(repository)) {
    throw new InputError(
      `${field}: "${image}" is not an image reference such as registry.example.com/team/service:1.2.3`,
    );
  }
  if (!tag || !TAG.test(tag)) {
    throw new InputError(
      `${field}: "${image}" must name a tag or a digest (registry/name:1.2.3 or registry/name@sha256:…), so each release is one version`,
    );
  }
  return { repository, tag };
}

export function formatImage(ref: ImageRef): string {
  return ref.tag.startsWith('sha256:')
    ? `${ref.repository}@${ref.tag}`
    : `${ref.repository}:${ref.tag}`;
}

/**
 * The release name when none is given: the tag (or the digest's first 12 hex digits), as a
 * Kubernetes label value and a Cloud Run revision suffix (lower-case letters, digits, `-`).
 */
export function defaultRelease(ref: ImageRef): string {
  const raw = ref.tag.startsWith('sha256:') ? ref.tag.slice(7, 19) : ref.tag;
  const slug = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return slug || 'r1';
}
