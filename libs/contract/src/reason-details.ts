// A reason's detail as a template key and its parameters: the engine says what it found, each UI
// language words it (English here, Japanese in the console's i18n). The API's English `detail`
// string is rendered from the same key and parameters by reasonDetailText, so it is written once.

/**
 * A parameter: a number or string shown as is, a nested part (a worded value such as a field role,
 * or an optional clause), a list of parts (joined by the language's list separator), or '' for an
 * optional clause that is absent.
 */
export type ReasonDetailParam = string | number | ReasonDetail | ReasonDetail[];

export interface ReasonDetail {
  key: ReasonDetailKey;
  params?: Record<string, ReasonDetailParam>;
}

/** English templates; `{name}` is a parameter. Keys are stable: stored with every assessment. */
export const REASON_DETAIL_EN = {
  // device
  'device.fraud': 'This device was reported as fraudulent.',
  'device.firstLogin': 'First login seen for this account.',
  'device.known': 'Device seen on this account before ({status}{fuzzy}).',
  'device.fuzzy': ', matched after a browser change',
  'device.fuzzyAlike': ', matched after a browser change ({percent}% of components alike)',
  'device.new': 'This account has never logged in from this device.',
  'device.seenNotTrusted':
    'This device tried this account before, but none of its logins was trusted (denied, challenge not passed).',
  'device.newModality':
    'This account has never logged in from this device, nor typed on a {modality} before (only on a {others}): ' +
    'nothing vouches for it.',
  'deviceStatus.new': 'new',
  'deviceStatus.pending': 'pending',
  'deviceStatus.trusted': 'trusted',
  'deviceStatus.shared': 'shared',
  'deviceStatus.fraud': 'fraud',
  'device.shared': '{accounts} accounts have logged in from this device.',
  // network
  'network.tor': '{ip} is a Tor exit node.',
  'network.hosting': 'The IP belongs to a hosting/cloud network{as}, not an access provider.',
  'network.as': ' (AS{asn})',
  'network.asOrg': ' (AS{asn} {org})',
  'network.newCountry': 'First login from {country} (trusted logins came from {countries}).',
  'network.foreignLanguage':
    'Foreign IP ({country}) and a browser language ({language}) the account never used ({languages}).',
  'network.new': 'First login from the network {prefix} (trusted logins came from {others}){where}.',
  'network.oneOther': 'one other network',
  'network.otherCount': '{count} other networks',
  'network.travel': '{km} km from the last trusted login{from} in {duration}: {kmh} km/h.',
  'network.travelFrom': ' ({country})',
  // velocity
  'velocity.bruteForceDevice': '{failures} failed logins on this account from this device in {minutes} min.',
  'velocity.bruteForce': '{failures} failed logins on this account in {minutes} min.',
  'velocity.stuffingDevice': '{accounts} accounts tried from this device in {minutes} min.',
  'velocity.stuffingIp':
    '{accounts} accounts tried from this IP in {minutes} min, {percent}% of {logins} logins failed.',
  'velocity.stuffingAsn':
    '{accounts} accounts tried from this network (ASN) in {minutes} min, {percent}% of logins failed.',
  // lists
  'list.deny': 'The {kind} {value} is on the deny list{comment}.',
  'list.allow': 'The {kind} {value} is on the allow list{comment}.',
  'list.comment': ' ({text})',
  'listKind.ip': 'ip',
  'listKind.cidr': 'cidr',
  'listKind.device': 'device',
  'listKind.user': 'user',
  'listKind.asn': 'asn',
  'listKind.country': 'country',
  // identity documents and passwords
  'identity.leaked': "The identity document is on this tenant's watch list of leaked documents.",
  'identity.reused': 'The identity document is behind {accounts} accounts.',
  'credentials.breached': 'The password appears{times} in known data breaches; {how} on {where}.',
  'credentials.times': ' {count} times',
  'entry.typed': 'typed',
  'entry.filled': 'filled or pasted',
  'entry.entered': 'entered',
  'where.unseenDevice': 'a device Kizuki did not see',
  'where.trustedDevice': 'a trusted device',
  'where.newDevice': 'a device new to this account',
  'where.thisDevice': 'this device',
  'where.onNewDevice': ', on a device new to the account',
  'where.onTrustedDevice': ', on a device the account trusts',
  // account changes
  'accountChange.cashout': '{changes} changed {minutes} min after a {flag}login from a device new to this account.',
  'flag.challenge': 'challenged ',
  'flag.deny': 'denied ',
  'change.email': 'email',
  'change.phone': 'phone',
  'change.password': 'password',
  'change.mfa': 'mfa',
  'change.address': 'address',
  // request token
  'token.missing': 'No request token: the SDK did not run or was blocked.',
  'token.notForwarded': 'No request token: the SDK did not run, was blocked, or the token was not forwarded.',
  'token.invalid': 'The request token is forged, expired or belongs to another tenant.',
  'token.malformed': 'The request token is malformed.',
  'token.signature': 'The request token signature is not valid (forged or altered).',
  'token.otherTenant': 'The request token was issued to another tenant.',
  'token.expired': 'The request token has expired.',
  'token.signalsGone': 'The request token is valid but its signals are gone (expired or purged).',
  'token.otherForm': 'The request token was collected on a {form} form, not for {event}.',
  'token.replayed': 'The request token was already used by another login.',
  'event.login': 'login',
  'event.registration': 'registration',
  'event.password_reset_request': 'password_reset_request',
  'event.password_reset': 'password_reset',
  'event.profile_update': 'profile_update',
  // typing
  'typing.noPasswordField': 'No password field typing was recorded.',
  'typing.autofilled': 'Password was autofilled (password manager or browser): no typing rhythm.',
  'typing.pasted': 'Password was pasted: no typing rhythm.',
  'typing.noKeys': 'Password field has no usable key events.',
  'typing.newModality':
    'Typed on a {modality}, which this account has no profile for yet (it has one for the {others}): ' +
    'typing not compared.',
  'typing.incomparable': 'Password typing cannot be compared with the profile (different length: password changed?).',
  'typing.mismatch':
    "Typing rhythm departs from the account's profile (typing score {score}; {fields}{where}{unusual}).",
  'typing.field': '{role} anomaly {anomaly}',
  'typing.unusual': '; unusual for this account: {odds} of its own logins departs this far',
  'typing.odds': 'about 1 in {n}',
  'typing.oddsMillion': 'about 1 in a million',
  'typing.oddsNone': 'none',
  'modality.physical_keyboard': 'physical keyboard',
  'modality.touch_keyboard': 'touch keyboard',
  'role.username': 'username',
  'role.password': 'password',
  'role.other': 'other',
  // automation and inhuman input
  'bot.webdriver': 'navigator.webdriver is set: the browser is driven by automation{signals}.',
  'bot.framework': 'Automation framework or headless browser detected{signals}.',
  'bot.signals': ' ({signals})',
  'bot.traces': 'Automation traces found: {signals}.',
  'bot.untrustedEvents': '{count} input event(s) were synthetic (isTrusted false).',
  'bot.zeroHold': '{role} keys were released the instant they were pressed (hold ≤ 1 ms).',
  'bot.instantTyping': '{role} typed at {ms} ms per key (a person needs far more than 15 ms).',
  'bot.metronome': '{role} key intervals are machine-regular (variation {percent}%).',
  'bot.fastSubmit': 'Credentials were typed and submitted {ms} ms after the page loaded.',
  'stealth.webdriverPatched':
    "navigator.webdriver's getter is not the browser's own: a script replaced it to hide automation. ({signal})",
  'stealth.navigatorPatched':
    "navigator.languages or navigator.plugins is not the browser's own: a script replaced it. ({signal})",
  'stealth.notificationPatched':
    "Notification.permission is not the browser's own: a script replaced it (headless browsers deny it). ({signal})",
  'stealth.permissionsMismatch':
    'Notification.permission and the Permissions API disagree about notifications. ({signal})',
  'stealth.chromeMissing': 'A desktop Chrome User-Agent without the native window.chrome object Chrome has. ({signal})',
  'stealth.platformMismatch':
    'The User-Agent, navigator.platform and the client hints name different operating systems. ({signal})',
  'stealth.versionMismatch': "The User-Agent's Chrome version differs from the client hints' version. ({signal})",
  'stealth.cdpRuntime':
    'A DevTools-protocol client was reading the page (console messages serialised): a driven browser. ({signal})',
  'stealth.windowGeometry':
    'The window has no browser frame though not full screen, or the usable screen exceeds the screen. ({signal})',
  'stealth.webglPlatform':
    "The WebGL renderer belongs to another operating system than the User-Agent's (Direct3D, Metal). ({signal})",
  'stealth.webglSoftware':
    'WebGL renders in software (SwiftShader, llvmpipe) as on a headless server, beside other signs. ({signal})',
  'stealth.firstInputFast':
    'The first key or button press came under 400 ms after the page started loading. ({signal})',
  'stealth.pointerWhileTyping':
    'The mouse moved during at least half of the key presses, as cursor-humanising scripts do. ({signal})',
  // pointer
  'pointer.untrustedClicks': '{count} click(s) were synthetic (isTrusted false).',
  'pointer.noMovementClick': 'The mouse clicked without any pointer movement before it.',
  'pointer.centreClick': 'Every click hit the exact centre of its target, as automation tools do.',
  'pointer.teleport': 'The pointer jumped {count} time(s) across the page in a single step.',
  'pointer.ruler':
    'Pointer moved in ruler-straight lines at constant speed (straightness {straightness}, speed variation {cv}).',
  'pointer.tooLittleTouch': 'Touch device: too little pointer movement to compare.',
  'pointer.tooLittle': 'Too little pointer movement to judge.',
  'pointer.mismatch':
    "{type} movement departs from the account's profile (pointer score {score}, anomaly {anomaly}{furthest}).",
  'pointer.furthest': '; {features}',
  'pointerType.mouse': 'Mouse',
  'pointerType.touch': 'Touch',
  'pointerType.pen': 'Pen',
  'pointerFeature.logSpeed': 'log speed',
  'pointerFeature.speedVariation': 'speed variation',
  'pointerFeature.acceleration': 'acceleration',
  'pointerFeature.straightness': 'straightness',
  'pointerFeature.jitter': 'jitter',
  'pointerFeature.pauses': 'pauses',
  'pointerFeature.clickX': 'click x',
  'pointerFeature.clickY': 'click y',
  // sign-ups
  'signup.device': '{accounts} accounts opened from this device in {window}.',
  'signup.ip': '{accounts} accounts opened from this IP in {minutes} min.',
  'signup.network': '{accounts} accounts opened from this network (/24) in {minutes} min.',
  'signup.asn': '{accounts} accounts opened from this provider (ASN) in {minutes} min.',
  'signup.disposable': 'The e-mail domain {domain} gives out disposable mailboxes.',
  'signup.filled': 'No key was typed on the form: every field was {how}.',
  'signup.filledNoPointer': 'No key was typed on the form (every field was {how}) and no pointer or touch moved.',
  'filled.pasted': 'pasted',
  'filled.pastedOrFilled': 'pasted or filled in',
  'duration.minutes': '{n} min',
  'duration.hours': '{n} h',
  'duration.days': '{n} d',
} as const;

export type ReasonDetailKey = keyof typeof REASON_DETAIL_EN;

/** The parameter names a template uses, in order of first use. */
export function templateParams(template: string): string[] {
  // ES5 only: the browser SDK and the client compile this file with an old lib
  const names: string[] = [];
  const re = /\{(\w+)\}/g;
  for (let m = re.exec(template); m; m = re.exec(template)) if (names.indexOf(m[1]) < 0) names.push(m[1]);
  return names;
}

/**
 * Words a detail with one language's templates. A key the templates lack (a newer engine than the
 * UI) or a missing parameter renders as null, so the caller can fall back to the stored text.
 */
export function renderReasonDetail(
  detail: ReasonDetail,
  templates: Readonly<Record<string, string>>,
  listSeparator = ', ',
): string | null {
  const template = Object.prototype.hasOwnProperty.call(templates, detail.key) ? templates[detail.key] : undefined;
  if (template === undefined) return null;
  let missing = false;
  const text = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = detail.params ? detail.params[name] : undefined;
    const out = value === undefined ? null : renderParam(value, templates, listSeparator);
    if (out === null) missing = true;
    return out === null ? '' : out;
  });
  return missing ? null : text;
}

function renderParam(
  value: ReasonDetailParam,
  templates: Readonly<Record<string, string>>,
  listSeparator: string,
): string | null {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const v of value) {
      const part = renderReasonDetail(v, templates, listSeparator);
      if (part === null) return null;
      parts.push(part);
    }
    return parts.join(listSeparator);
  }
  return renderReasonDetail(value, templates, listSeparator);
}

/** The English sentence the API answers as `detail`. */
export function reasonDetailText(detail: ReasonDetail): string {
  const text = renderReasonDetail(detail, REASON_DETAIL_EN);
  return text === null ? detail.key : text;
}
