/**
 * The query parameters of an API request as kube-apiserver reads them: converted with its rules
 * ({@link QueryValues}: {@code strconv.ParseInt} for numbers, RFC 3339 for times, anything but
 * {@code false}/{@code 0} for flags) and validated as its {@code meta/v1} options are
 * ({@link MetaOptions}, {@link PodLogOptions}), so a bad value is a 400 or 422 Status with
 * Kubernetes' words before the request does anything, and nothing is passed on raw.
 */
package dev.capstan.api.options;
