// The provider and hook: prop getters that add Kizuki's handlers to the login screen's container
// View, TextInputs and submit button, calling the app's own handlers too. Nothing is rendered or
// re-rendered by Kizuki: the app keeps its components, styles and state.
import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import {
  AppState,
  type GestureResponderEvent,
  type LayoutChangeEvent,
  type NativeSyntheticEvent,
  type PressableProps,
  type TextInputKeyPressEventData,
  type TextInputProps,
  type ViewProps,
} from 'react-native';
import type { FieldRole } from '@kizuki/contract';
import type { KizukiClient, LoginSession } from './client';
import type { TapTarget } from './touch';

const SessionContext = createContext<LoginSession | null>(null);

export interface KizukiProviderProps {
  client: KizukiClient;
  /** names the screen in the bundle (page.path); a new screen is a new session */
  screen?: string;
  children?: ReactNode;
}

/** Wrap the login screen: one recording session per mount. */
export function KizukiProvider({ client, screen = 'login', children }: KizukiProviderProps) {
  const session = useMemo(() => client.session(screen), [client, screen]);
  useEffect(() => {
    const sub = AppState.addEventListener('change', () => session.appStateChanged());
    return () => sub.remove();
  }, [session]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

type Handler<E> = ((e: E) => void) | null | undefined;

// React Native's own prop types, so the getters fit whatever event types the installed version uses
export type ContainerHandlers = Pick<ViewProps, 'onTouchStart' | 'onTouchMove'>;
export type FieldHandlers = Pick<
  TextInputProps,
  'onFocus' | 'onBlur' | 'onKeyPress' | 'onChangeText' | 'onPressIn' | 'onLayout'
>;
export type SubmitHandlers = Pick<PressableProps, 'onPressIn' | 'onLayout'>;

export interface UseKizuki {
  /** spread on the screen's container View; `own` props are passed through, its handlers still called */
  containerProps<P extends object = object>(own?: P & ContainerHandlers): P & Required<ContainerHandlers>;
  /** spread on a TextInput: `name` is the app's name for it, `role` what it holds */
  fieldProps<P extends object = object>(
    name: string,
    role?: FieldRole,
    own?: P & FieldHandlers,
  ): P & Required<FieldHandlers>;
  /** spread on the submit button (Pressable, TouchableOpacity, Button's wrapper) */
  submitProps<P extends object = object>(own?: P & SubmitHandlers): P & Required<SubmitHandlers>;
  /** the request token for this attempt, or null (offline, Kizuki down): never throws */
  collect(): Promise<string | null>;
}

function both<E>(ours: (e: E) => void, theirs: Handler<E>): (e: E) => void {
  return (e: E) => {
    try {
      ours(e);
    } catch {
      // recording must never break the app's own handler
    }
    if (theirs) theirs(e);
  };
}

function roleOf(name: string): FieldRole {
  return /pass|pin|secret/i.test(name)
    ? 'password'
    : /user|mail|login|account|phone|id$/i.test(name)
      ? 'username'
      : 'other';
}

/** The login screen's prop getters; must be used under a KizukiProvider. */
export function useKizuki(): UseKizuki {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useKizuki() must be used inside <KizukiProvider>');
  const ref = useRef(session);
  ref.current = session;
  return useMemo<UseKizuki>(() => {
    const s = () => ref.current;
    return {
      containerProps: <P extends object = object>(own: P & ContainerHandlers = {} as P & ContainerHandlers) => ({
        ...own,
        onTouchStart: both((e: GestureResponderEvent) => s().touch.down(e.nativeEvent, s().now()), own.onTouchStart),
        onTouchMove: both((e: GestureResponderEvent) => s().touch.move(e.nativeEvent, s().now()), own.onTouchMove),
      }),
      fieldProps: <P extends object = object>(
        name: string,
        role: FieldRole = roleOf(name),
        own: P & FieldHandlers = {} as P & FieldHandlers,
      ) => ({
        ...own,
        onFocus: both(() => {
          s().focused();
          s().field(name, role).focus();
        }, own.onFocus),
        onBlur: both(() => {
          s().blurred();
          s().field(name, role).blur();
        }, own.onBlur),
        onKeyPress: both(
          (e: NativeSyntheticEvent<TextInputKeyPressEventData>) =>
            s().field(name, role).keyPress(e.nativeEvent.key, s().now()),
          own.onKeyPress,
        ),
        // only the length is read, on the spot: the text is never kept
        onChangeText: both(
          (text: string) => s().field(name, role).textLength(text.length, s().now()),
          own.onChangeText,
        ),
        onPressIn: both((e: GestureResponderEvent) => tap(s(), role as TapTarget, name, e), own.onPressIn),
        onLayout: both((e: LayoutChangeEvent) => s().layout(name, e.nativeEvent.layout), own.onLayout),
      }),
      submitProps: <P extends object = object>(own: P & SubmitHandlers = {} as P & SubmitHandlers) => ({
        ...own,
        onPressIn: both((e: GestureResponderEvent) => tap(s(), 'submit', '#submit', e), own.onPressIn),
        onLayout: both((e: LayoutChangeEvent) => s().layout('#submit', e.nativeEvent.layout), own.onLayout),
      }),
      collect: () => s().collect(),
    };
  }, []);
}

function tap(s: LoginSession, target: TapTarget, name: string, e: GestureResponderEvent): void {
  const n = e.nativeEvent;
  s.touch.tap(target, { locationX: n.locationX, locationY: n.locationY }, s.size(name), s.now());
}
