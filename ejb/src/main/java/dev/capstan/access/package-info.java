/**
 * Who is asking: the authenticated {@link dev.capstan.access.User} of an API request, and where
 * the layers below the API (admission, audit) find it. Authentication and authorization
 * themselves happen at the API's door ({@code dev.capstan.api.access}).
 */
package dev.capstan.access;
