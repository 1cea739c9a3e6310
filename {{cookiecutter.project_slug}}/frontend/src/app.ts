/** The project's name (index.html's application-name) and each page's document title. */
import { useEffect } from "react";

import { pageTitle } from "./paths";

export const APP_NAME =
  document.querySelector('meta[name="application-name"]')?.getAttribute("content") || document.title;

/** Sets the tab's title to this page's words, then the app's name (what a tab and Back list show). */
export function usePageTitle(...parts: string[]): void {
  const title = pageTitle(APP_NAME, ...parts);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
