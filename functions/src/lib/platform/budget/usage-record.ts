// The usage the app can show ("3 images left today"): users/{uid}/usage/{day}, written by the server
// only (firestore.rules: the owner reads it, nobody writes it). One merge write per request with the
// request's net charges as increments, so concurrent requests add up; Redis stays what decides.
// The write reads the account's erasure mark in the same transaction (one more round trip).
import { withFirestoreDeadline } from '../firestore-deadline.js';
import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { erasureStarted } from '../erasure-marker.js';
import { getDb } from '../firebase.js';

export interface UsageDelta {
  tokens: number;
  images: number;
  /** USD, priced as callers see it (platform/pricing); counted whether or not the cost budget is on. */
  costUsd: number;
}

export interface UsageLimits {
  /** 0: that budget is off. */
  tokens: number;
  images: number;
  costUsd: number;
}

export interface UsageRecorder {
  record(uid: string, day: string, delta: UsageDelta, limits: UsageLimits, resetAt: number): Promise<void>;
}

/** The document path, for the rules and the app. */
export function usageDocPath(uid: string, day: string): string {
  return `users/${uid}/usage/${day}`;
}

export function firestoreUsageRecorder(db: () => Firestore): UsageRecorder {
  return {
    async record(uid, day, delta, limits, resetAt) {
      const increments: Partial<Record<keyof UsageDelta, FieldValue>> = {};
      if (delta.tokens !== 0) increments.tokens = FieldValue.increment(delta.tokens);
      if (delta.images !== 0) increments.images = FieldValue.increment(delta.images);
      if (delta.costUsd !== 0) increments.costUsd = FieldValue.increment(delta.costUsd);
      if (Object.keys(increments).length === 0) return;
      const firestore = db();
      // A request that was running when its account's erasure started must not bring the usage back.
      // Bounded: the request layer waits for this write after the handler (platform/firestore-deadline.ts).
      const write = firestore.runTransaction(async (tx) => {
        if (await erasureStarted(firestore, uid, tx)) return;
        tx.set(
          firestore.doc(usageDocPath(uid, day)),
          {
            day,
            ...increments,
            limits: { tokens: limits.tokens, images: limits.images, costUsd: limits.costUsd },
            resetAt: Timestamp.fromMillis(resetAt),
            updatedAt: FieldValue.serverTimestamp(),
          },
          { merge: true },
        );
      });
      await withFirestoreDeadline('record the usage', write);
    },
  };
}

export const defaultUsageRecorder: UsageRecorder = firestoreUsageRecorder(getDb);
