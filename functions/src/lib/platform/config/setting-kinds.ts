// The kinds of setting (firebase-functions params with a bounded reader): text, whole numbers in a
// range, decimals, limits where 0 means off, flags and safety thresholds. settings.ts lists the settings.
import { defineInt, defineString } from 'firebase-functions/params';
import type { IntParam, StringParam } from 'firebase-functions/params';
import { write } from 'firebase-functions/logger';
import {
  HARM_CATEGORIES,
  isSafetyThreshold,
  SAFETY_THRESHOLDS,
  toSafetySettings,
  type GeminiSafetySetting,
  type HarmCategory,
  type SafetyThreshold,
  type SafetyThresholds,
} from '../gemini/safety.js';

export interface Setting<P, T> {
  /** undefined for a value derived from other settings (it declares no param of its own). */
  param: P;
  read(): T;
}

/** A value computed from other settings' params (declares none itself). */
export function derivedValue<T>(read: () => T): Setting<undefined, T> {
  return { param: undefined, read };
}

export function stringSetting(name: string, fallback: string, description: string): Setting<StringParam, string> {
  const param = defineString(name, { default: fallback, description });
  return { param, read: () => param.value().trim() || fallback };
}

const warned = new Set<string>();

/** Logged once per instance and value: a misconfiguration is visible without flooding the logs. */
function warnOnce(name: string, value: unknown, message: string, fields: Record<string, unknown> = {}): void {
  const key = `${name}=${String(value)}`;
  if (warned.has(key)) return;
  warned.add(key);
  write({ severity: 'WARNING', message, setting: name, ...fields });
}

function warnClamped(name: string, value: number, max: number): void {
  warnOnce(name, value, `setting ${name}=${value} is above its maximum; using ${max}`, { value, max });
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
 * One feature's safety policy (GEMINI_SAFETY-style): one threshold for the four harm categories
 * ("BLOCK_ONLY_HIGH"), per-category entries ("SEXUALLY_EXPLICIT=BLOCK_LOW_AND_ABOVE"), or both, comma-
 * separated; a category not named keeps the bare threshold, else the default's. An entry that is not
 * a threshold or names no category is ignored with a warning once: a typo must neither fail requests
 * nor switch a filter off.
 */
export function safetyPolicySetting(
  name: string,
  fallback: string,
  description: string,
): Setting<StringParam, GeminiSafetySetting[]> {
  const param = defineString(name, {
    default: fallback,
    description: `${description} [${SAFETY_THRESHOLDS.join(', ')}; or CATEGORY=THRESHOLD entries: docs/deploy.md]`,
  });
  const defaults = parseSafetyPolicy(fallback).thresholds;
  return {
    param,
    read: () => {
      const { thresholds, invalid } = parseSafetyPolicy(param.value(), defaults);
      for (const entry of invalid)
        warnOnce(name, entry, `setting ${name}: "${entry}" is not a threshold or CATEGORY=THRESHOLD; ignored`);
      return toSafetySettings(thresholds);
    },
  };
}

function shortCategory(category: HarmCategory): string {
  return category.replace(/^HARM_CATEGORY_/, '');
}

/** The thresholds a policy text sets over `base`, and the entries that could not be read. */
export function parseSafetyPolicy(
  text: string,
  base?: SafetyThresholds,
): { thresholds: SafetyThresholds; invalid: string[] } {
  const named: Partial<SafetyThresholds> = {};
  let all: SafetyThreshold | undefined;
  const invalid: string[] = [];
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const [left, right] = entry.split('=').map((part) => part.trim().toUpperCase());
    if (right === undefined) {
      if (isSafetyThreshold(left)) all = left;
      else invalid.push(entry);
      continue;
    }
    const category = HARM_CATEGORIES.find((known) => known === left || shortCategory(known) === left);
    if (category && isSafetyThreshold(right)) named[category] = right;
    else invalid.push(entry);
  }
  const thresholds = Object.fromEntries(
    HARM_CATEGORIES.map((category) => [
      category,
      named[category] ?? all ?? base?.[category] ?? 'BLOCK_MEDIUM_AND_ABOVE',
    ]),
  ) as SafetyThresholds;
  return { thresholds, invalid };
}

/** A setting whose value is computed from its text (or from other settings) when read. */
export function mappedSetting<P, T, U>(setting: Setting<P, T>, map: (value: T) => U): Setting<P, U> {
  return { param: setting.param, read: () => map(setting.read()) };
}
