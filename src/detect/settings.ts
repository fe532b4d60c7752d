import type { Config } from '../config/types.js';
import { DEFAULT_SETTINGS, type DetectSettings } from './detector.js';

/** Detection thresholds from devices.yaml `detect`, with the fixed defaults for the rest. */
export function detectSettingsOf(config: Config): DetectSettings {
  return {
    ...DEFAULT_SETTINGS,
    trafficDrop: config.detect.trafficDrop,
    unreachableAfter: config.detect.unreachableAfter,
  };
}
