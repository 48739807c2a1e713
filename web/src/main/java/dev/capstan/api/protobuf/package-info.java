/**
 * Kubernetes' protobuf wire format for request bodies: kubectl's typed commands ({@code kubectl
 * create namespace|configmap|secret|deployment|service|job}) send their object as protobuf. The
 * message definitions come from the official client's generated classes
 * ({@code io.kubernetes:client-java-proto}); bodies are turned into the JSON the API works on, so
 * nothing after decoding knows which encoding the client used. Responses stay JSON, which every
 * client that sends protobuf also accepts.
 */
package dev.capstan.api.protobuf;
