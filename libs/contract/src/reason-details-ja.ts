// Japanese wording of the reason details, one template per key of ./reason-details.ts (English
// there). A separate entry (@kizuki/contract/reason-details-ja), not re-exported by the index: the
// browser SDK bundles the index and must not carry this table.
import { REASON_DETAIL_EN, renderReasonDetail, type ReasonDetailKey, type ReasonDetailParam } from './reason-details';

/** Nested parts are worded here too, so `{where}` and the like carry their own punctuation. */
export const REASON_DETAIL_JA: Record<ReasonDetailKey, string> = {
  'device.fraud': 'この端末は不正として報告されています。',
  'device.firstLogin': 'このアカウントで初めてのログインです。',
  'device.known': 'このアカウントで以前使われた端末です（{status}{fuzzy}）。',
  'device.fuzzy': '、ブラウザ更新後に照合',
  'device.fuzzyAlike': '、ブラウザ更新後に照合、構成要素の{percent}%が一致',
  'device.new': 'このアカウントでこの端末からのログインは初めてです。',
  'device.seenNotTrusted':
    'この端末からこのアカウントへのログインは以前にもありましたが、信頼されたものはありません（拒否、または追加認証が未完了）。',
  'device.newModality':
    'このアカウントでこの端末からのログインは初めてで、{modality}での入力もこれまでありません（{others}のみ）。この端末を裏付けるものがありません。',
  'deviceStatus.new': '新規',
  'deviceStatus.pending': '確認待ち',
  'deviceStatus.trusted': '信頼済み',
  'deviceStatus.shared': '共有',
  'deviceStatus.fraud': '不正',
  'device.shared': 'この端末から{accounts}件のアカウントにログインしています。',
  'network.tor': '{ip}はTorの出口ノードです。',
  'network.hosting': 'IPはアクセス回線ではなく、ホスティング・クラウド事業者のネットワーク{as}のものです。',
  'network.as': '（AS{asn}）',
  'network.asOrg': '（AS{asn} {org}）',
  'network.newCountry': '{country}からの初めてのログインです（信頼済みログインの国：{countries}）。',
  'network.foreignLanguage':
    '海外IP（{country}）からのログインで、ブラウザの言語（{language}）もこのアカウントでは使われたことがありません（これまでの言語：{languages}）。',
  'network.new': 'ネットワーク{prefix}からの初めてのログインです（信頼済みログインは{others}から）{where}。',
  'network.oneOther': '別の1つのネットワーク',
  'network.otherCount': '別の{count}個のネットワーク',
  'network.travel': '前回の信頼済みログイン{from}から{km}kmを{duration}で移動しています（時速{kmh}km）。',
  'network.travelFrom': '（{country}）',
  'velocity.bruteForceDevice': 'この端末からこのアカウントへのログインが{minutes}分間に{failures}回失敗しています。',
  'velocity.bruteForce': 'このアカウントへのログインが{minutes}分間に{failures}回失敗しています。',
  'velocity.stuffingDevice': 'この端末から{minutes}分間に{accounts}件のアカウントへのログインが試行されました。',
  'velocity.stuffingIp':
    'このIPから{minutes}分間に{accounts}件のアカウントへのログインが試行され、{logins}回のログインのうち{percent}%が失敗しました。',
  'velocity.stuffingAsn':
    'このネットワーク（ASN）から{minutes}分間に{accounts}件のアカウントへのログインが試行され、ログインの{percent}%が失敗しました。',
  'list.deny': '{kind}「{value}」は拒否リストに登録されています{comment}。',
  'list.allow': '{kind}「{value}」は許可リストに登録されています{comment}。',
  'list.comment': '（{text}）',
  'listKind.ip': 'IP',
  'listKind.cidr': 'CIDR',
  'listKind.device': '端末',
  'listKind.user': 'ユーザー',
  'listKind.asn': 'ASN',
  'listKind.country': '国',
  'identity.leaked': '本人確認書類が、このテナントの漏えい書類ウォッチリストに登録されています。',
  'identity.reused': 'この本人確認書類は{accounts}件のアカウントで使われています。',
  'credentials.breached': 'このパスワードは既知のデータ漏えいに{times}含まれています。{where}で{how}されました。',
  'credentials.times': '{count}回',
  'entry.typed': '入力',
  'entry.filled': '自動入力または貼り付け',
  'entry.entered': '入力',
  'where.unseenDevice': 'Kizukiが確認していない端末',
  'where.trustedDevice': '信頼済みの端末',
  'where.newDevice': 'このアカウントでは初めての端末',
  'where.thisDevice': 'この端末',
  'where.onNewDevice': '。このアカウントでは初めての端末です',
  'where.onTrustedDevice': '。このアカウントが信頼している端末です',
  'accountChange.cashout': '新しい端末からの{flag}ログインの{minutes}分後に、{changes}が変更されました。',
  'flag.challenge': '追加認証となった',
  'flag.deny': '拒否された',
  'change.email': 'メールアドレス',
  'change.phone': '電話番号',
  'change.password': 'パスワード',
  'change.mfa': '二要素認証',
  'change.address': '住所',
  'token.missing': 'リクエストトークンがありません。SDKが実行されなかったか、ブロックされています。',
  'token.notForwarded':
    'リクエストトークンがありません。SDKが実行されなかったか、ブロックされたか、トークンが転送されていません。',
  'token.invalid': 'リクエストトークンが偽造されたもの、期限切れ、または他テナントのものです。',
  'token.malformed': 'リクエストトークンの形式が正しくありません。',
  'token.signature': 'リクエストトークンの署名が正しくありません（偽造または改ざん）。',
  'token.otherTenant': 'リクエストトークンは他のテナントに発行されたものです。',
  'token.expired': 'リクエストトークンの有効期限が切れています。',
  'token.signalsGone': 'リクエストトークンは有効ですが、そのシグナルがすでにありません（期限切れまたは削除済み）。',
  'token.otherForm': 'リクエストトークンは{form}フォームで取得されたもので、{event}用ではありません。',
  'token.replayed': 'リクエストトークンは別のログインですでに使われています。',
  'event.login': 'ログイン',
  'event.registration': '新規登録',
  'event.password_reset_request': 'パスワード再設定の依頼',
  'event.password_reset': 'パスワード再設定',
  'event.profile_update': '登録情報の変更',
  'typing.noPasswordField': 'パスワード欄のタイピングが記録されていません。',
  'typing.autofilled':
    'パスワードが自動入力されました（パスワード管理ツールまたはブラウザ）。タイピングのリズムはありません。',
  'typing.pasted': 'パスワードが貼り付けられました。タイピングのリズムはありません。',
  'typing.noKeys': 'パスワード欄に使えるキー操作がありません。',
  'typing.newModality':
    '{modality}で入力されましたが、このアカウントにはまだそのプロファイルがありません（{others}のプロファイルはあります）。タイピングは比較していません。',
  'typing.incomparable':
    'パスワードのタイピングをプロファイルと比較できません（長さが異なります。パスワードが変更された可能性があります）。',
  'typing.mismatch':
    'タイピングのリズムがアカウントのプロファイルと異なります（タイピングスコア{score}、{fields}{unusual}）{where}。',
  'typing.field': '{role}の異常度{anomaly}',
  'typing.unusual': '。このアカウントとしても珍しく、本人のログインでここまで外れるのは{odds}です',
  'typing.odds': '約{n}回に1回',
  'typing.oddsMillion': '約100万回に1回',
  'typing.oddsNone': 'ゼロ',
  'modality.physical_keyboard': '物理キーボード',
  'modality.touch_keyboard': 'タッチキーボード',
  'role.username': 'ユーザー名',
  'role.password': 'パスワード',
  'role.other': 'その他の欄',
  'bot.webdriver': 'navigator.webdriverが設定されています。ブラウザが自動操作されています{signals}。',
  'bot.framework': '自動操作フレームワークまたはヘッドレスブラウザを検出しました{signals}。',
  'bot.signals': '（{signals}）',
  'bot.traces': '自動操作の痕跡が見つかりました：{signals}。',
  'bot.untrustedEvents': '{count}件の入力イベントが合成されたものです（isTrusted false）。',
  'bot.zeroHold': '{role}のキーが押した瞬間に離されています（押下時間1ms以下）。',
  'bot.instantTyping': '{role}が1キーあたり{ms}msで入力されています（人間には15msよりはるかに長い時間が必要です）。',
  'bot.metronome': '{role}のキー間隔が機械的に一定です（ばらつき{percent}%）。',
  'bot.fastSubmit': 'ページの読み込みから{ms}msでログイン情報が入力・送信されました。',
  'stealth.webdriverPatched':
    'navigator.webdriverのgetterがブラウザ本来のものではありません。自動操作を隠すためにスクリプトで置き換えられています。（{signal}）',
  'stealth.navigatorPatched':
    'navigator.languagesまたはnavigator.pluginsがブラウザ本来のものではありません。スクリプトで置き換えられています。（{signal}）',
  'stealth.notificationPatched':
    'Notification.permissionがブラウザ本来のものではありません。スクリプトで置き換えられています（ヘッドレスブラウザでは拒否になるため）。（{signal}）',
  'stealth.permissionsMismatch': 'Notification.permissionとPermissions APIの通知の状態が一致しません。（{signal}）',
  'stealth.chromeMissing':
    'デスクトップ版ChromeのUser-Agentですが、Chromeにあるはずのwindow.chromeオブジェクトがありません。（{signal}）',
  'stealth.platformMismatch':
    'User-Agent、navigator.platform、クライアントヒントが示すOSがそれぞれ異なります。（{signal}）',
  'stealth.versionMismatch': 'User-AgentのChromeのバージョンがクライアントヒントのバージョンと異なります。（{signal}）',
  'stealth.cdpRuntime':
    'DevToolsプロトコルのクライアントがページを読み取っています（コンソール出力がシリアライズされました）。外部から操作されているブラウザです。（{signal}）',
  'stealth.windowGeometry':
    '全画面表示ではないのにブラウザの枠がない、または利用可能な画面領域が画面より大きくなっています。（{signal}）',
  'stealth.webglPlatform': 'WebGLのレンダラーがUser-Agentとは別のOSのものです（Direct3D、Metal）。（{signal}）',
  'stealth.webglSoftware':
    'ヘッドレスサーバーのように、WebGLがソフトウェアで描画されています（SwiftShader、llvmpipe）。他の兆候と併せて判断しています。（{signal}）',
  'stealth.firstInputFast':
    'ページの読み込み開始から400ms未満で最初のキー入力またはボタン操作がありました。（{signal}）',
  'stealth.pointerWhileTyping':
    'キー入力の半分以上でマウスが動いています。カーソルを人間らしく見せるスクリプトの特徴です。（{signal}）',
  'pointer.untrustedClicks': '{count}回のクリックが合成されたものです（isTrusted false）。',
  'pointer.noMovementClick': 'ポインターを動かさずにマウスがクリックされています。',
  'pointer.centreClick': 'すべてのクリックが対象のちょうど中心に当たっています（自動操作ツールの特徴です）。',
  'pointer.teleport': 'ポインターが{count}回、ページ上を一瞬で移動しています。',
  'pointer.ruler':
    'ポインターが定規で引いたような直線上を一定の速度で動いています（直線度{straightness}、速度のばらつき{cv}）。',
  'pointer.tooLittleTouch': 'タッチ端末です。比較できるほどのポインター操作がありません。',
  'pointer.tooLittle': '判定できるほどのポインター操作がありません。',
  'pointer.mismatch':
    '{type}の動きがアカウントのプロファイルと異なります（ポインタースコア{score}、異常度{anomaly}{furthest}）。',
  'pointer.furthest': '。差が大きい項目：{features}',
  'pointerType.mouse': 'マウス',
  'pointerType.touch': 'タッチ',
  'pointerType.pen': 'ペン',
  'pointerFeature.logSpeed': '速度（対数）',
  'pointerFeature.speedVariation': '速度のばらつき',
  'pointerFeature.acceleration': '加速度',
  'pointerFeature.straightness': '直線度',
  'pointerFeature.jitter': '手ぶれ',
  'pointerFeature.pauses': '停止',
  'pointerFeature.clickX': 'クリック位置（横）',
  'pointerFeature.clickY': 'クリック位置（縦）',
  'signup.device': 'この端末から{window}の間に{accounts}件のアカウントが作成されました。',
  'signup.ip': 'このIPから{minutes}分間に{accounts}件のアカウントが作成されました。',
  'signup.network': 'このネットワーク（/24）から{minutes}分間に{accounts}件のアカウントが作成されました。',
  'signup.asn': 'このプロバイダー（ASN）から{minutes}分間に{accounts}件のアカウントが作成されました。',
  'signup.disposable': 'メールアドレスのドメイン{domain}は使い捨てメールアドレスを発行するものです。',
  'signup.filled': 'フォームでキーが一度も入力されていません。すべての欄が{how}されています。',
  'signup.filledNoPointer':
    'フォームでキーが一度も入力されておらず（すべての欄が{how}）、ポインターもタッチも動いていません。',
  'filled.pasted': '貼り付け',
  'filled.pastedOrFilled': '貼り付けまたは自動入力',
  'duration.minutes': '{n}分',
  'duration.hours': '{n}時間',
  'duration.days': '{n}日',
};

/**
 * A reason's detail in a UI language, from its key and parameters. An old row without a key shows
 * its stored English text in English and null in Japanese (the caller shows the code's name).
 */
export function reasonDetail(
  r: { code: string; detail: string; detailKey?: ReasonDetailKey; params?: Record<string, ReasonDetailParam> },
  lang: 'en' | 'ja',
): string | null {
  const worded = r.detailKey
    ? renderReasonDetail(
        { key: r.detailKey, params: r.params ?? {} },
        lang === 'ja' ? REASON_DETAIL_JA : REASON_DETAIL_EN,
        lang === 'ja' ? '、' : ', ',
      )
    : null;
  if (worded !== null) return worded;
  return lang === 'en' ? r.detail || null : null;
}
