/**
 * The two JSON shapes the twin passes around, declared once.
 *
 * Kubernetes objects are data here, not classes: a controller reads `pod.spec.containers[0].ports` the way the
 * upstream Go code reads typed structs, and a type for every kind would mirror the whole API for no gain. So
 * `Json` is a decoded JSON value read loosely (`any`); code that validates or copies what it is given uses
 * `JsonObject` and narrows each field before use.
 */

export type Json = any;

/** A decoded JSON object whose fields are `unknown` until checked. */
export type JsonObject = Record<string, unknown>;
