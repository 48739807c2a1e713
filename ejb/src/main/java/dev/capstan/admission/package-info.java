/**
 * What the control plane does to an object before it is stored: defaults ({@link
 * dev.capstan.admission.Defaulting}), initial status, graceful deletion periods, and the
 * admission plugins every create of a namespaced object goes through, whoever creates it:
 *
 * <pre>
 *  REST create ──┐
 *  controller ───┴─▶ ObjectStore.create ─ revision lock ─▶ Admission.admit ─▶ write object
 *                                                          │
 *        LimitRanger defaults ─▶ ServiceAccount ─▶ LimitRanger min/max ─▶ PodSecurity
 *        (limits/)               (default, exists)  (limits/)            (podsecurity/:
 *                                                                          enforce, warn, audit)
 *        ─▶ ResourceQuota (quota/: check, charge status.used)
 *  any step may refuse: AdmissionDenied ─▶ rollback ─▶ 403 Forbidden / FailedCreate event
 *  warnings and audit annotations ─▶ AdmissionWarnings (request scope) ─▶ Warning headers
 * </pre>
 *
 * <p>All of it runs in the create's transaction, so a quota charge commits with the object or
 * not at all.
 */
package dev.capstan.admission;
