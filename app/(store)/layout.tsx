import Link from "next/link";
import type { ReactNode } from "react";
import { CartLink } from "@/app/components/cart-link";

/** The shop's frame: header with the cart, main, footer. */
export default function StoreLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-4 focus:left-4 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="border-b border-stone-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3">
          <Link href="/" className="text-lg font-semibold tracking-tight">
            Northwind Outfitters
          </Link>
          <nav aria-label="Main" className="flex items-center gap-4 text-sm">
            <Link href="/collections/all" className="hidden text-stone-600 hover:text-stone-900 sm:inline">
              Shop all
            </Link>
            <CartLink />
          </nav>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-8">
        {children}
      </main>
      <footer className="border-t border-stone-200 py-6 text-center text-xs text-stone-500">Stock shown live from the warehouse · prices in USD</footer>
    </>
  );
}
