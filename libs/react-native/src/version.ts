export const RN_SDK_VERSION = 'rn-0.1.0';
