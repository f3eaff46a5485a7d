/** Kubernetes protobuf request bodies (kubectl 1.32 typed clients): see decode.ts. */
export { decodeKubernetesProtobuf, supportedProtobufKinds, PROTOBUF_MEDIA_TYPE } from './decode.ts';
