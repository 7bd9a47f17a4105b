/**
 * The console's theme: Ant Design with colours that meet WCAG 2.0 AA contrast (GB/T 37668-2019) on white, and the
 * elder-friendly larger-text mode (适老化大字模式), which a person switches on from any page's header and which
 * this device remembers.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Button, ConfigProvider, Tooltip } from 'antd';
import type { ThemeConfig } from 'antd';
import zhCN from 'antd/locale/zh_CN';

const KEY = 'zj.largeText';

/** text colours at least 4.5:1 on white (antd's defaults, 0.45 black and #1677ff, are 3.3:1 and 4.1:1) */
const BASE: ThemeConfig['token'] = {
  colorPrimary: '#0958d9',
  colorLink: '#0958d9',
  // hovered and pressed buttons and links keep the contrast (antd derives lighter shades by default)
  colorPrimaryHover: '#003eb3',
  colorPrimaryActive: '#002c8c',
  colorLinkHover: '#003eb3',
  colorLinkActive: '#002c8c',
  colorErrorHover: '#a8071a',
  colorErrorActive: '#820014',
  colorError: '#cf1322',
  colorSuccess: '#237804',
  colorWarning: '#ad6800',
  colorTextSecondary: 'rgba(0, 0, 0, 0.66)',
  colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
  colorTextDescription: 'rgba(0, 0, 0, 0.62)',
  borderRadius: 4,
};

interface Display {
  large: boolean;
  setLarge(on: boolean): void;
}
const Ctx = createContext<Display>({ large: false, setLarge: () => undefined });

export function DisplayProvider({ children }: { children: ReactNode }) {
  const [large, setLargeState] = useState(() => {
    try {
      return localStorage.getItem(KEY) === '1';
    } catch {
      return false;
    }
  });
  const setLarge = useCallback((on: boolean) => {
    setLargeState(on);
    try {
      localStorage.setItem(KEY, on ? '1' : '0');
    } catch {
      /* private mode: this page only */
    }
  }, []);
  useEffect(() => {
    document.documentElement.classList.toggle('large-text', large);
  }, [large]);
  const theme = useMemo<ThemeConfig>(
    () => ({
      token: { ...BASE, ...(large ? { fontSize: 18, fontSizeSM: 16, fontSizeLG: 20, controlHeight: 40, controlHeightSM: 32, controlHeightLG: 48 } : {}) },
    }),
    [large],
  );
  const value = useMemo(() => ({ large, setLarge }), [large, setLarge]);
  return (
    <Ctx.Provider value={value}>
      <ConfigProvider locale={zhCN} theme={theme}>
        {children}
      </ConfigProvider>
    </Ctx.Provider>
  );
}

export const useDisplay = (): Display => useContext(Ctx);

/** 大字模式 on/off, for a header (light text on a dark bar) */
export function LargeTextToggle({ onDark = true }: { onDark?: boolean }) {
  const { large, setLarge } = useDisplay();
  return (
    <Tooltip title={large ? '恢复标准字号' : '放大字号（适老化）'}>
      <Button
        type={onDark ? 'text' : 'default'}
        size="small"
        aria-pressed={large}
        data-testid="large-text-toggle"
        onClick={() => setLarge(!large)}
        style={onDark ? { color: '#fff', borderColor: '#fff' } : undefined}
      >
        {large ? '标准字' : '大字'}
      </Button>
    </Tooltip>
  );
}
