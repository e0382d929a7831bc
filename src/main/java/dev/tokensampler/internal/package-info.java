/**
 * Helpers shared by the library's packages. Not part of the API: may change in any release.
 */
package dev.tokensampler.internal;
