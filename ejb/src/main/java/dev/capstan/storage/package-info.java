/**
 * What the storage kinds mean to more than one component: which PersistentVolume a claim may
 * bind to (the PersistentVolume controller binds it, the scheduler asks whether a node has one).
 */
package dev.capstan.storage;
