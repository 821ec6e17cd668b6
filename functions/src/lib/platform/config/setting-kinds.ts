// The kinds of setting (firebase-functions params with a bounded reader): text, whole numbers in a
// range, decimals, limits where 0 means off, flags and safety thresholds. settings.ts lists the settings.
import { defineInt, defineString } from 'firebase-functions/params';
import type { IntParam, StringParam } from 'firebase-functions/params';
import { write } from 'firebase-functions/logger';
import { isSafetyThreshold, SAFETY_THRESHOLDS, type SafetyThreshold } from '../gemini/safety.js';

export interface Setting<P, T> {
  param: P;
  read(): T;
}

export function stringSetting(name: string, fallback: string, description: string): Setting<StringParam, string> {
  const param = defineString(name, { default: fallback, description });
  return { param, read: () => param.value().trim() || fallback };
}

const warnedClamps = new Set<string>();

/** Logged once per instance and value: a misconfiguration is visible without flooding the logs. */
function warnClamped(name: string, value: number, max: number): void {
  const key = `${name}=${value}`;
  if (warnedClamps.has(key)) return;
  warnedClamps.add(key);
  write({
    severity: 'WARNING',
    message: `setting ${name}=${value} is above its maximum; using ${max}`,
    setting: name,
    value,
    max,
  });
}

/**
 * A whole-number setting in [1, max]. Below 1 (including unset or unparsable, which the SDK reads as 0)
 * means "use the default"; above `max` is clamped to `max` (closest to what was meant) with a warning,
 * so an absurd value (a negative cap, a timeout past setTimeout's 2^31 ms, a window past year 9999)
 * never reaches the code that uses it.
 */
export function intSetting(
  name: string,
  fallback: number,
  max: number,
  description: string,
): Setting<IntParam, number> {
  const param = defineInt(name, { default: fallback, description: `${description} [1-${max}]` });
  return {
    param,
    read: () => {
      const value = param.value();
      if (!Number.isInteger(value) || value < 1) return fallback;
      if (value > max) {
        warnClamped(name, value, max);
        return max;
      }
      return value;
    },
  };
}

/** A decimal setting (e.g. temperature) in [min, max]; anything else means "use the default". */
export function numberSetting(
  name: string,
  fallback: number,
  range: { min: number; max: number },
  description: string,
): Setting<StringParam, number> {
  const param = defineString(name, { default: String(fallback), description });
  return {
    param,
    read: () => {
      const text = param.value().trim();
      const value = text === '' ? Number.NaN : Number(text);
      return Number.isFinite(value) && value >= range.min && value <= range.max ? value : fallback;
    },
  };
}

/**
 * A whole-number limit where 0 means "off" (a daily budget): unset or unparsable means the default
 * (a defineString underneath, since defineInt reads an unset variable as 0, which here would mean off);
 * negative means off too, and above `max` is clamped with a warning.
 */
export function limitSetting(
  name: string,
  fallback: number,
  max: number,
  description: string,
  zeroMeans = 'off',
): Setting<StringParam, number> {
  const param = defineString(name, {
    default: String(fallback),
    description: `${description} [0-${max}, 0 = ${zeroMeans}]`,
  });
  return {
    param,
    read: () => {
      const text = param.value().trim();
      const value = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value)) return fallback;
      if (value > max) {
        warnClamped(name, value, max);
        return max;
      }
      return Math.max(0, Math.floor(value));
    },
  };
}

/** "true"/"1"/"yes" (any case) is true; anything else, including unset, is the fallback `false`. */
export function flagSetting(name: string, description: string, byDefault = false): Setting<StringParam, boolean> {
  const param = defineString(name, { default: String(byDefault), description });
  // value() is "" where the param is unset outside a deploy (tests, scripts): that means the default.
  const read = (): boolean => {
    const value = param.value().trim();
    return value === '' ? byDefault : /^(true|1|yes)$/i.test(value);
  };
  return { param, read };
}

/**
 * One harm category's threshold for one feature (GeminiSafetySetting). An unknown value means the
 * documented default, with a warning once: a typo must neither fail requests nor switch a filter off.
 */
export function safetySetting(
  name: string,
  fallback: SafetyThreshold,
  description: string,
): Setting<StringParam, SafetyThreshold> {
  const param = defineString(name, {
    default: fallback,
    description: `${description} [${SAFETY_THRESHOLDS.join(', ')}]`,
  });
  return {
    param,
    read: () => {
      const value = param.value().trim().toUpperCase();
      if (value === '') return fallback;
      if (isSafetyThreshold(value)) return value;
      const key = `${name}=${value}`;
      if (!warnedClamps.has(key)) {
        warnedClamps.add(key);
        write({
          severity: 'WARNING',
          message: `setting ${name}=${value} is not a threshold; using ${fallback}`,
          setting: name,
        });
      }
      return fallback;
    },
  };
}
