import type {
  V1Condition,
  V1Container,
  V1ContainerStatus,
  V1DeploymentCondition,
  V1DeploymentSpec,
  V1DeploymentStatus,
  V1PodCondition,
  V1PodSpec,
  V1PodStatus,
  V1PodTemplateSpec,
  V1ReplicaSetSpec,
  V1ReplicaSetStatus,
} from '@kubernetes/client-node';

/** A Kubernetes object as stored: plain JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * A @kubernetes/client-node model as JSON on the wire. The client turns RFC 3339 strings into
 * `Date`s when it deserializes; the imitation keeps the strings, and `null` where the apiserver
 * writes a zero time (a pod condition's `lastProbeTime`).
 */
export type Wire<T> = T extends Date
  ? string | null
  : T extends Array<infer U>
  ? Array<Wire<U>>
  : T extends object
  ? { [K in keyof T]: Wire<T[K]> }
  : T;

export type PodSpec = Wire<V1PodSpec>;
export type PodStatus = Wire<V1PodStatus>;
export type PodCondition = Wire<V1PodCondition>;
export type PodTemplateSpec = Wire<V1PodTemplateSpec>;
export type Container = Wire<V1Container>;
export type ContainerStatus = Wire<V1ContainerStatus>;
export type DeploymentSpec = Wire<V1DeploymentSpec>;
export type DeploymentStatus = Wire<V1DeploymentStatus>;
export type DeploymentCondition = Wire<V1DeploymentCondition>;
export type ReplicaSetSpec = Wire<V1ReplicaSetSpec>;
export type ReplicaSetStatus = Wire<V1ReplicaSetStatus>;
/** metav1.Condition (Flux's conditions). */
export type Condition = Wire<V1Condition>;

/*
 * Typed views of stored objects. The store holds KubeObjects that passed validation; these say
 * what their spec and status hold, for the code that reads them.
 */
export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: PodStatus;
}
export interface Deployment extends KubeObject {
  spec?: DeploymentSpec;
  status?: DeploymentStatus;
}
export interface ReplicaSet extends KubeObject {
  spec?: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}
