/** Pure. PMBus command codes used by this package (PMBus Part II). */
export const PmbusCommand = {
  PAGE: 0x00,
  CLEAR_FAULTS: 0x03,
  CAPABILITY: 0x19,
  SMBALERT_MASK: 0x1b,
  VOUT_MODE: 0x20,
  STATUS_BYTE: 0x78,
  STATUS_WORD: 0x79,
  STATUS_VOUT: 0x7a,
  STATUS_IOUT: 0x7b,
  STATUS_INPUT: 0x7c,
  STATUS_TEMPERATURE: 0x7d,
  STATUS_CML: 0x7e,
  STATUS_OTHER: 0x7f,
  STATUS_MFR_SPECIFIC: 0x80,
  STATUS_FANS_1_2: 0x81,
  READ_VIN: 0x88,
  READ_IIN: 0x89,
  READ_VOUT: 0x8b,
  READ_IOUT: 0x8c,
  READ_TEMPERATURE_1: 0x8d,
  READ_FAN_SPEED_1: 0x90,
  READ_POUT: 0x96,
  READ_PIN: 0x97,
  MFR_ID: 0x99,
  MFR_MODEL: 0x9a,
  MFR_SERIAL: 0x9e,
  MFR_POUT_MAX: 0xa7,
} as const

/** SMBus Alert Response Address (7-bit). */
export const ALERT_RESPONSE_ADDRESS = 0x0c

/** CAPABILITY (0x19) bits. */
export const CAPABILITY_PEC = 0x80
/** CAPABILITY (0x19) bit 4: the part can assert SMBALERT#. */
export const CAPABILITY_SMBALERT = 0x10
